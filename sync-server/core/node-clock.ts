// Node's timers as the engine's Clock (domain/sync/clock.ts), unref'd: a timer waiting to unload a
// document or to retry a link does not keep the process alive.
import { type Clock, systemClock } from '../../domain/sync/clock';

export const nodeClock: Clock = systemClock({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h),
});
