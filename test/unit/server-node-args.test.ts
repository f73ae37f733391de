import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_ARGS } from '../../scripts/server-node-args.mjs';

describe("the server's Node flags", () => {
  it('are the same in `npm run server` as in scripts/server-node-args.mjs (npm start, the benches)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const [before] = pkg.scripts.server.split('scripts/built.mjs');
    expect(before.trim().split(/\s+/).slice(1)).toEqual([...SERVER_NODE_ARGS]);
  });
});
