// A tiny argument reader shared by main.ts and token-cli.ts: --name value, --flag, --name=value.
export function parseArgs(argv: readonly string[]): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.set(a.slice(2), argv[++i]);
    else flags.add(a.slice(2));
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
