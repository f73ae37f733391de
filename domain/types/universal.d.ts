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
