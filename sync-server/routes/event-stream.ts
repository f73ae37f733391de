// One Server-Sent Events response. HQ's overview stream starts with every shelter's summary
// (405 kB with 800 shelters) and then sends small patches: gzip, flushed after each event so
// nothing waits in the compressor, brings the first event to 16 kB. Compression keeps a state of
// a few hundred kB per stream, so it is for the few HQ screens, never for the public change
// stream that thousands of phones hold open (its events are a few dozen bytes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, createGzip, type Gzip } from 'node:zlib';

export interface EventStream {
  /** Writes raw SSE text (one or more whole events, or a comment line). */
  write(text: string): void;
  end(): void;
}

/**
 * `batchMs`: events written within this time go out together, in one write (and one compressor
 * flush): during a surge a screen gets dozens of patches a second.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, opts: { compress: boolean; batchMs?: number }): EventStream {
  const gzip = opts.compress && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
    // nginx and other proxies: pass each event on at once (docs/operations: reverse proxies)
    'X-Accel-Buffering': 'no',
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
  });
  let out: (text: string) => void;
  let finish: () => void;
  if (gzip) {
    const z: Gzip = createGzip({ level: 6 });
    z.pipe(res);
    res.on('close', () => z.destroy());
    out = (text) => {
      if (z.destroyed) return;
      z.write(text);
      z.flush(constants.Z_SYNC_FLUSH);
    };
    finish = () => z.end();
  } else {
    out = (text) => {
      if (!res.destroyed && !res.writableEnded) res.write(text);
    };
    finish = () => res.end();
  }
  if (!opts.batchMs) return { write: out, end: finish };
  let pending = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (pending) out(pending);
    pending = '';
  };
  res.on('close', () => {
    if (timer) clearTimeout(timer);
  });
  return {
    write(text) {
      pending += text;
      timer ??= setTimeout(flush, opts.batchMs);
    },
    end() {
      if (timer) clearTimeout(timer);
      flush();
      finish();
    },
  };
}
