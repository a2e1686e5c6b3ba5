import type { Command } from 'commander';

/** `streamscore demo` — placeholder until its issue lands; the real module registers its options here. */
export function registerDemo(program: Command): void {
  program.command('demo')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('streamscore demo is not implemented yet\n');
      process.exit(1);
    });
}
