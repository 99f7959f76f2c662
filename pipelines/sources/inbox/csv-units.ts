/**
 * Where each "line" of DuckDB's CSV reader starts in the file. The reader counts the header, every
 * record and every blank line as one line each (a blank line is skipped, not returned), and a record
 * whose quoted fields span physical lines as one. Rejected records carry that count; accepted records
 * carry nothing. Counting line breaks inside fields recovers physical lines only when no blank line
 * sits between records, so for files with blank lines the text path reads the file once more here.
 *
 * A small RFC 4180 state machine over the bytes (',' delimiter, '"' quote, '""' escape; all ASCII, so
 * no byte of a multi-byte UTF-8 character can be mistaken for one). As in DuckDB's reader, a quote opens
 * a quoted field only at the start of a field; elsewhere it is a character like any other.
 */
import fs from 'node:fs';

export interface CsvUnit {
  /** Physical line (1-based) on which the unit starts. */
  startLine: number;
  /** An empty line (nothing but an optional carriage return), which the reader skips. */
  blank: boolean;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The units of a CSV file in order (unit n is DuckDB's line n), or undefined when the file ends its
 * lines with bare carriage returns, which this scan does not follow.
 */
export function scanCsvUnits(file: string): CsvUnit[] | undefined {
  const units: CsvUnit[] = [];
  const buffer = Buffer.alloc(4 << 20);
  const fd = fs.openSync(file, 'r');
  let line = 1;
  let unitStart = 1;
  let unitHasContent = false;
  let inQuotes = false;
  let quoteMayClose = false; // a quote inside a quoted field: closes it unless another quote follows
  let atFieldStart = true;
  let previousWasCr = false;
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
      for (let i = 0; i < read; i++) {
        const byte = buffer[i]!;
        if (previousWasCr && byte !== LF) return undefined;
        previousWasCr = byte === CR;
        if (quoteMayClose) {
          quoteMayClose = false;
          if (byte === QUOTE) continue; // an escaped quote: still inside the field
          inQuotes = false;
        }
        if (inQuotes) {
          if (byte === QUOTE) quoteMayClose = true;
          else if (byte === LF) line++;
          continue;
        }
        if (byte === LF) {
          units.push({ startLine: unitStart, blank: !unitHasContent });
          line++;
          unitStart = line;
          unitHasContent = false;
          atFieldStart = true;
        } else if (byte === CR) {
          // part of a CRLF line ending
        } else if (byte === QUOTE && atFieldStart) {
          inQuotes = true;
          unitHasContent = true;
          atFieldStart = false;
        } else {
          unitHasContent = true;
          atFieldStart = byte === COMMA;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (previousWasCr) return undefined;
  if (unitHasContent || inQuotes) units.push({ startLine: unitStart, blank: false });
  return units;
}
