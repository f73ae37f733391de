// Shared set-up of every browser test file: one Chromium and one test server for the file,
// started before its tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import type { TestServer } from '../helpers/server';

/** The built PWA to serve: dist/ as `npm test` builds it, or HINANJO_DIST while developing. */
export const DIST = process.env.HINANJO_DIST ?? 'dist';

export interface BrowserAndServer {
  browser: Browser;
  /** The server the tests talk to; a test that restarts it assigns the new one here, and that one is stopped. */
  server: TestServer;
}

/**
 * Registers the file's (or describe block's) beforeAll and afterAll: launches Chromium, starts
 * a server with `start`, and closes both at the end. Read `browser` and `server` from the
 * returned object inside tests and hooks, once beforeAll has run.
 */
export function useBrowserAndServer(start: () => Promise<TestServer>): BrowserAndServer {
  const e2e = {} as BrowserAndServer;
  beforeAll(async () => {
    e2e.browser = await launchChromium();
    e2e.server = await start();
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.server?.stop();
  });
  return e2e;
}
