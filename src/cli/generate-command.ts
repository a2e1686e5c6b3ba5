/** `streamscore generate` — placeholder until its issue lands; replaced by the real command. */
export async function generateCommand(_args: unknown, _options: Record<string, unknown>): Promise<void> {
  process.stderr.write('streamscore generate is not implemented yet\n');
  process.exit(1);
}
