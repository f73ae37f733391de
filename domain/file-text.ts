// The text of a file a municipality sends: UTF-8 with or without a BOM, else Shift_JIS (files
// from older municipal systems). Registry CSVs, closure and hazard GeoJSON, the support list.
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

export function decodeFileBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return hasBom ? { text: text.slice(1), encoding: 'utf-8-bom' } : { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('shift_jis').decode(bytes), encoding: 'shift_jis' };
  }
}
