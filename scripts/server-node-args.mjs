// The Node flags the city server runs with (`npm run server` in package.json carries them too; a
// unit test keeps the two in step; npm start and the benches take them from here).
//
// --max-semi-space-size=64: a 64 MB young generation instead of 16. On a disaster day the heap
// is mostly long-lived Yjs structures (a person in a live shelter document takes ~8 kB; 183,000
// people ≈ 1.4 GB), and every full collection marks all of it, partly on the main thread when
// the concurrent marker has no free core, which holds every forward for up to a second. Objects
// that live a moment (decoded updates, frames, the summaries waiting to be saved) then die in
// the young generation instead of being promoted, so the old one grows only with real data and
// full collections come about half as often: in the disaster bench, forward p99 227–312 ms
// instead of 820–873 ms and the overview lag p99 0.52–0.54 s instead of 1.36–1.48 s, for
// ~130 MB more resident memory.
export const SERVER_NODE_ARGS = ['--max-semi-space-size=64'];
