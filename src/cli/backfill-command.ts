/** `streamscore backfill` — placeholder until its issue lands; replaced by the real command. */
export async function backfillCommand(_args: unknown, _options: Record<string, unknown>): Promise<void> {
  process.stderr.write('streamscore backfill is not implemented yet\n');
  process.exit(1);
}
