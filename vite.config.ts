import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { resolve } from 'node:path';

const web = resolve(import.meta.dirname, 'web');

// Three surfaces, one PWA: the resident page at /, the staff tablet at /shelter/, HQ at /hq/.
// One service worker (scope /) precaches all of them so every surface starts with no network
// after its first visit. Each surface links its own manifest (public/**/manifest.webmanifest)
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
