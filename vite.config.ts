import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { resolve } from 'node:path';
import { surfaceAssets, staffOnly, type SurfaceAssets } from './scripts/surface-assets';
import { precompress } from './scripts/precompress';

const web = resolve(import.meta.dirname, 'web');
let lists: SurfaceAssets | null = null;

// Three surfaces, one PWA: the resident page at /, the staff tablet at /shelter/, HQ at /hq/.
// One service worker (scope /) precaches every page and the resident's code; the tablet's and
// HQ's code is kept in their own cache when they are opened (scripts/surface-assets.ts,
// web/lib/surface-cache.ts), so every surface starts with no network after its first visit and
// a resident's phone never downloads the staff code. Each surface links its own manifest (public/**/manifest.webmanifest)
// so that installing from /shelter/ opens the tablet app, not the resident page.
export default defineConfig({
  root: web,
  publicDir: resolve(import.meta.dirname, 'public'),
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        resident: resolve(web, 'index.html'),
        shelter: resolve(web, 'shelter/index.html'),
        hq: resolve(web, 'hq/index.html'),
      },
    },
  },
  plugins: [
    preact(),
    surfaceAssets((l) => (lists = l)),
    // FILE.br and FILE.gz beside every text file of the bundle (sync-server/routes/static.ts sends them)
    precompress(),
    VitePWA({
      registerType: 'prompt', // a new version is announced, never forced mid-check-in
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,woff2}'],
        // /shelter/?token=…, /hq/?wall: the query never changes which page is served
        ignoreURLParametersMatching: [/.*/],
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
        // Web Push: the alert at the household's switch (public/push-sw.js).
        importScripts: ['push-sw.js'],
        manifestTransforms: [
          async (entries) => {
            if (!lists) throw new Error('surface lists missing: the surface-assets plugin did not run');
            const current = lists;
            return { manifest: entries.filter((e) => !staffOnly(current, e.url)), warnings: [] };
          },
        ],
        // The tablet's and HQ's files (hashed, never changing) from the cache their page filled.
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'hinanjo-surface' },
          },
        ],
      },
    }),
  ],
  server: {
    proxy: {
      '/sync': { target: 'ws://localhost:8080', ws: true },
      '/api': 'http://localhost:8080',
    },
  },
});
