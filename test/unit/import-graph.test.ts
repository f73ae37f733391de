// The module graph stays a tree of layers: no import cycles anywhere in web/, domain/ and
// sync-server/ (a cycle makes load order matter and hides which module owns what), and the
// tablet never loads HQ's strings.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(e) && !e.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/**
 * Module → the modules it imports at run time (type-only imports cannot form a load cycle);
 * `withTypes` counts type-only imports too (a layer rule is about knowing, not loading).
 */
function graph(withTypes = false): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of ['web', 'domain', 'sync-server'].flatMap((d) => sources(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const deps: string[] = [];
    for (const st of sf.statements) {
      if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(st) ? st.importClause?.isTypeOnly : st.isTypeOnly;
        if (typeOnly && !withTypes) continue;
        const to = resolveImport(file, st.moduleSpecifier.text);
        if (to) deps.push(to);
      }
    }
    g.set(file, deps);
  }
  return g;
}

function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      if (state.get(m) === 'open') found.push(stack.slice(stack.indexOf(m)).concat(m).map((f) => relative(ROOT, f)));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return found;
}

/** Diagnostics of the domain build (domain/tsconfig.json) with one extra file placed in domain/. */
function domainDiagnostics(source: string): string[] {
  const configPath = join(ROOT, 'domain/tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error('domain/tsconfig.json could not be read');
  const probe = join(ROOT, 'domain/__purity-probe__.ts');
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => (resolve(f) === probe ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => resolve(f) === probe || fileExists(f);
  const program = ts.createProgram([...parsed.fileNames, probe], parsed.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

describe('the import graph', () => {
  const g = graph();

  it('has no cycles', () => {
    expect(g.size).toBeGreaterThan(100);
    expect(cycles(g)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const a = join(ROOT, 'a.ts');
    const b = join(ROOT, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });

  it('the tablet does not load HQ strings', () => {
    const reach = new Set<string>();
    const walk = (n: string) => {
      if (reach.has(n)) return;
      reach.add(n);
      for (const m of g.get(n) ?? []) walk(m);
    };
    walk(join(ROOT, 'web/shelter/main.tsx'));
    expect(reach.size).toBeGreaterThan(20);
    expect([...reach].map((f) => relative(ROOT, f)).filter((f) => /i18n\/[^/]+\/hq\.ts$/.test(f))).toEqual([]);
  });

  it('keeps its layers: domain/ knows nothing of web/ or sync-server/, and web/ nothing of sync-server/', () => {
    const all = graph(true);
    const rel = (f: string) => relative(ROOT, f);
    const crossing = [...all].flatMap(([from, tos]) =>
      tos
        .filter((to) => (rel(from).startsWith('domain/') && !rel(to).startsWith('domain/')) || (rel(from).startsWith('web/') && rel(to).startsWith('sync-server/')))
        .map((to) => `${rel(from)} -> ${rel(to)}`),
    );
    expect(crossing).toEqual([]);
  });
});

describe("domain/'s purity guard", () => {
  it('compiles domain/ as it is', () => {
    expect(domainDiagnostics('export const fine = new TextEncoder().encode("ok").length;')).toEqual([]);
  }, 60_000);

  it('refuses Node and the DOM in domain/ (node:fs, Buffer, process, document, window)', () => {
    const found = domainDiagnostics(
      ["import { readFileSync } from 'node:fs';", 'export const a = readFileSync;', "export const b = Buffer.from('x');", 'export const c = process.env;', 'export const d = document.title;', 'export const e = window.location;'].join('\n'),
    ).join('\n');
    for (const name of ["'node:fs'", "'Buffer'", "'process'", "'document'", "'window'"]) expect(found).toContain(name);
  }, 60_000);
});
