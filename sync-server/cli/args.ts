// The command lines' argument reader, on node:util parseArgs: each command names its options
// (text values and plain flags); an unknown option, or a value missing after one, is an error
// whose message names it. Returns the same small shape every command reads.
import { parseArgs as nodeParseArgs } from 'node:util';

export interface CliOptions {
  /** Options that take a value: --name value or --name=value. */
  strings: readonly string[];
  /** Options that are flags: --name. */
  flags?: readonly string[];
}

export function parseArgs(argv: readonly string[], spec: CliOptions): { values: Map<string, string>; flags: Set<string> } {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const n of spec.strings) options[n] = { type: 'string' };
  for (const n of spec.flags ?? []) options[n] = { type: 'boolean' };
  const parsed = nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (const [k, v] of Object.entries(parsed.values)) {
    if (typeof v === 'string') values.set(k, v);
    else if (v === true) flags.add(k);
  }
  return { values, flags };
}

/** "30d", "12h", "45m", "90s" or plain seconds. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+)([dhms]?)$/.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n * ({ d: 86400, h: 3600, m: 60, s: 1, '': 1 } as Record<string, number>)[m[2]];
}
