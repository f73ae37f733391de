// A CSV file as records with their true line numbers (a quoted field may span lines), so a bad
// row is reported where the person opening the file in Excel finds it. RFC 4180 via papaparse.
import Papa from 'papaparse';

export function csvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let prevCursor = 0;
  let line = 1;
  let countedTo = 0;
  // step gives each record with the offset where it ends; counting newlines up to where the
  // next one starts gives its true line number even when a quoted field spans lines.
  Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: 'greedy',
    step: (res) => {
      let start = prevCursor;
      while (start < text.length && /\s/.test(text[start])) start++;
      for (let i = countedTo; i < start; i++) if (text.charCodeAt(i) === 10) line++;
      countedTo = start;
      records.push({ line, fields: res.data });
      prevCursor = res.meta.cursor;
    },
  });
  return records;
}
