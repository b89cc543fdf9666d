/**
 * CSV (RFC 4180): fields holding a comma, quote, CR or LF are quoted with quotes doubled;
 * records end with CRLF. A text cell that a spreadsheet would run as a formula (starting with
 * =, +, -, @, tab or CR) gets a leading apostrophe, so opening an export never executes
 * anything an actor put into the log. So that a reader can undo this exactly, a text that
 * itself starts with an apostrophe gets one too, and null and the empty string differ: null is
 * an empty cell, the empty string is `""`.
 */
export type CsvCell = string | number | boolean | null;

const ESCAPED_START = /^[=+\-@\t\r']/;

export function csvCell(value: CsvCell): string {
  if (value === null) return "";
  if (value === "") return '""';
  let text = String(value);
  if (typeof value === "string" && ESCAPED_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The text csvCell was given: drops the apostrophe it added. */
export function unescapeCsvText(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** Reads CSV text back (for tests and tools): the inverse of csvRecord, apostrophes kept. */
export function parseCsv(text: string): string[][] {
  return parseCsvCells(text).map((record) => record.map((cell) => cell ?? ""));
}

/** As parseCsv, but an empty cell that was not quoted (csvCell's null) is null. */
export function parseCsvCells(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  const cell = () => (field === "" && !wasQuoted ? null : field);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === ",") {
      record.push(cell());
      field = "";
      wasQuoted = false;
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell());
      records.push(record);
      record = [];
      field = "";
      wasQuoted = false;
      i++;
    } else {
      field += c;
    }
  }
  if (field !== "" || wasQuoted || record.length > 0) {
    record.push(cell());
    records.push(record);
  }
  return records;
}
