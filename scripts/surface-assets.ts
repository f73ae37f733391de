// Which built files each surface needs: the entry chunk, everything it imports statically or
// lazily, and their CSS and assets. The service worker precaches only the resident page's files
// (every resident phone downloads them); the staff tablet and HQ keep their own files in a
// separate cache once opened (web/lib/surface-cache.ts), so a resident never downloads the
// tablet's, HQ's or the QR scanner's code.
import type { Plugin } from 'vite';

export const SURFACES = ['resident', 'shelter', 'hq'] as const;
export type Surface = (typeof SURFACES)[number];
export type SurfaceAssets = Record<Surface, string[]>;
export const SURFACE_ASSETS_FILE = 'surface-assets.json';

interface ChunkLike {
  type: 'chunk' | 'asset';
  fileName: string;
  isEntry?: boolean;
  name?: string;
  imports?: string[];
  dynamicImports?: string[];
  viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
}

/** Files reachable from one entry chunk (its own file first). */
function reachable(bundle: Record<string, ChunkLike>, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const chunk = bundle[file];
    if (!chunk || chunk.type !== 'chunk') return;
    for (const f of chunk.imports ?? []) visit(f);
    for (const f of chunk.dynamicImports ?? []) visit(f);
    for (const f of chunk.viteMetadata?.importedCss ?? []) seen.add(f);
    for (const f of chunk.viteMetadata?.importedAssets ?? []) seen.add(f);
  };
  visit(entry);
  return [...seen];
}

/**
 * Emits surface-assets.json and hands the lists to `onLists` (the service worker's precache
 * filter reads them: vite-plugin-pwa builds the worker after this bundle is written).
 */
export function surfaceAssets(onLists: (lists: SurfaceAssets) => void): Plugin {
  return {
    name: 'hinanjo-surface-assets',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = bundle as unknown as Record<string, ChunkLike>;
      const lists = {} as SurfaceAssets;
      for (const surface of SURFACES) {
        const entry = Object.values(chunks).find((c) => c.type === 'chunk' && c.isEntry && c.name === surface);
        if (!entry) throw new Error(`surface-assets: no entry chunk named ${surface}`);
        lists[surface] = reachable(chunks, entry.fileName).map((f) => `/${f}`).sort();
      }
      onLists(lists);
      this.emitFile({ type: 'asset', fileName: SURFACE_ASSETS_FILE, source: JSON.stringify(lists) });
    },
  };
}

/** A precache entry (relative URL) that only the tablet or HQ needs. */
export function staffOnly(lists: SurfaceAssets, url: string): boolean {
  const path = `/${url.replace(/^\//, '')}`;
  return !lists.resident.includes(path) && (lists.shelter.includes(path) || lists.hq.includes(path));
}
