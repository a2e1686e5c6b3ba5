import type { Command } from 'commander';

/** `streamscore backfill` — placeholder until its issue lands; the real module registers its options here. */
export function registerBackfill(program: Command): void {
  program.command('backfill')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('streamscore backfill is not implemented yet\n');
      process.exit(1);
    });
}
