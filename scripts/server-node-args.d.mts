// Types of server-node-args.mjs for the TypeScript that imports it (the benches, a unit test).
export declare const SERVER_NODE_ARGS: readonly string[];
