import type { Command } from 'commander';

/** `streamscore generate` — placeholder until its issue lands; the real module registers its options here. */
export function registerGenerate(program: Command): void {
  program.command('generate')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('streamscore generate is not implemented yet\n');
      process.exit(1);
    });
}
