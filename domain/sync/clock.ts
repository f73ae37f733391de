// Time, as the sync engine sees it: injected everywhere, so the deterministic harness
// (test/helpers/sync-world.ts) runs every timer of every hop from one manual clock, and a seed
// replays frame for frame.

export interface Clock {
  /** Milliseconds (Date.now() in production). */
  now(): number;
  /** Runs `fn` once after `ms`; the handle is only for clearTimer. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * The real clock, given the runtime's timers (domain/ has none of its own): the browser's
 * setTimeout, or Node's with `unref` so a box's retry timer does not hold the process open.
 */
export function systemClock(timers: {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: never) => void;
}): Clock {
  return {
    now: timers.now,
    setTimer: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimer: (h) => timers.clearTimeout(h as never),
  };
}

/** A clock that moves only when told (advance), firing due timers in time order, then creation order. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: number) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
  }

}
