// vt-pbf ships no types; the one function Hinanjo uses.
declare module 'vt-pbf' {
  interface GeojsonVtTile {
    features: unknown[];
  }
  export function fromGeojsonVt(layers: Record<string, GeojsonVtTile>, options?: { version?: number; extent?: number }): Uint8Array;
}
