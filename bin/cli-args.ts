/** A small argument parser shared by the commands: --key value, --key=value, repeated keys, flags. */

export class CliError extends Error {}

export interface ParsedArgs {
  /** every value given for each option, in order */
  options: Map<string, string[]>;
  flags: Set<string>;
  positional: string[];
}

/**
 * `spec.values` lists the options that take a value, `spec.flags` those that do not.
 * Anything else is an error that names it.
 */
export function parseArgs(argv: string[], spec: { values: string[]; flags?: string[] }): ParsedArgs {
  const values = new Set(spec.values);
  const flagNames = new Set(spec.flags ?? []);
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (flagNames.has(key)) {
      if (eq >= 0) throw new CliError(`--${key} takes no value`);
      flags.add(key);
    } else if (values.has(key)) {
      let v: string;
      if (eq >= 0) v = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new CliError(`--${key} needs a value`);
        v = argv[++i];
      }
      const list = options.get(key) ?? [];
      list.push(v);
      options.set(key, list);
    } else throw new CliError(`unknown option --${key}`);
  }
  return { options, flags, positional };
}

export function one(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  if (!v) return undefined;
  if (v.length > 1) throw new CliError(`--${key} given more than once`);
  return v[0];
}

export function required(args: ParsedArgs, key: string): string {
  const v = one(args, key);
  if (v === undefined) throw new CliError(`--${key} is required`);
  return v;
}

export function all(args: ParsedArgs, key: string): string[] {
  return args.options.get(key) ?? [];
}
