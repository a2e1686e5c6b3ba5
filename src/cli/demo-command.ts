/** `streamscore demo` — placeholder until its issue lands; replaced by the real command. */
export async function demoCommand(_args: unknown, _options: Record<string, unknown>): Promise<void> {
  process.stderr.write('streamscore demo is not implemented yet\n');
  process.exit(1);
}
