/** `her2 <command> [options]`: each command is bin/commands/<command>.ts, exporting run(). */
import { CliError } from './cli-args.ts';

export const COMMANDS: Record<string, string> = {
  extract: 'PyRadiomics features of one image and mask',
  filter: 'write the derived (LoG, wavelet, ...) images PyRadiomics would compute',
  tic: 'time-intensity curve and TIC type of a lesion over the DCE phases',
  demo: 'generate the synthetic DCE-MRI demo cohort',
  cohort: 'extract features for every patient of a cohort folder',
  fit: 'train the radiomics, clinical and nomogram models (MODEL.json)',
  predict: 'score patients with a trained MODEL.json',
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(8)} ${v}`);
  return `usage: her2 <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nher2 <command> --help for a command's options`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(usage());
    return command ? 0 : 2;
  }
  if (!(command in COMMANDS)) {
    console.error(`her2: unknown command '${command}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = (await import(`./commands/${command}.ts`)) as { run(args: string[]): Promise<number> };
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(`her2 ${command}: ${e.message}`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`her2 ${command}: ${msg.split('\n')[0]}`);
    if (process.env.HER2_DEBUG) console.error(e);
    return 1;
  }
}
