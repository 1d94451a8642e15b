// a streaming RFC 4180 reader: quoted fields, doubled quotes, newlines inside quotes, CRLF; any single-char delimiter.
import { createReadStream } from "node:fs";

/**
 * Reads a CSV/TSV file row by row (arrays of strings), in constant memory.
 *
 * @example
 * import { readCsvRows } from "omnispec/dataset";
 * for await (const row of readCsvRows("data.tsv", "\t")) console.log(row);
 */
export async function* readCsvRows(file: string, delimiter = ","): AsyncGenerator<string[]> {
  let field = "";
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCR = false;
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 16 })) {
    const text = chunk as string;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (pendingCR) {
        pendingCR = false;
        if (c === "\n") continue;
      }
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // a quote at a chunk boundary: decide on the next chunk
            quoted = false;
            afterQuote = true;
          } else {
            quoted = false;
          }
        } else field += c;
        continue;
      }
      if (afterQuote && c === '"') {
        // the closing quote was really an escaped quote split across chunks
        field += '"';
        quoted = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (c === delimiter) {
        row.push(field);
        field = "";
      } else if (c === "\n" || c === "\r") {
        row.push(field);
        field = "";
        yield row;
        row = [];
        pendingCR = c === "\r";
      } else if (c === '"' && field.length === 0) {
        quoted = true;
      } else field += c;
    }
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    yield row;
  }
}
