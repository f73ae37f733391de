// The few globals domain/ may use because every runtime we ship to has them, the browser and Node
// alike (WHATWG Encoding). Declared here, in the shape domain/ uses, because the DOM and Node
// libraries are kept out of the domain build (tsconfig.json) and neither may stand in for them.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

// WHATWG URL, in the shape domain/sync/connect.ts uses.
declare class URLSearchParams {
  constructor(init?: Record<string, string> | string);
  get(name: string): string | null;
  set(name: string, value: string): void;
  toString(): string;
}
declare class URL {
  constructor(url: string, base?: string);
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}
