import { describe, expect, it } from "vitest";
import { csvCell, csvRecord, parseCsv, parseCsvCells, unescapeCsvText } from "@/lib/audit/csv";

describe("CSV", () => {
  it("quotes only what needs quoting, doubling quotes (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(csvRecord(["a", 1, null])).toBe("a,1,\r\n");
  });

  it("neutralises cells a spreadsheet would run as formulas", () => {
    for (const cell of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(csvCell(cell).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-1)).toBe("-1");
  });

  it("parses back what it writes", () => {
    const records = [
      ["a", 'q"uote', "multi\r\nline", ""],
      ["1", "2", "3", "4"],
    ];
    expect(parseCsv(records.map((r) => csvRecord(r)).join(""))).toEqual(records);
  });

  it("can be read back exactly: null and the empty string differ, and the added apostrophe is the only one removed", () => {
    const cells = [null, "", "'quoted", "=1+1", "''", "-", "plain", 'a "b", c'];
    const [record] = parseCsvCells(csvRecord(cells));
    expect(record?.map((cell) => (cell === null ? null : unescapeCsvText(cell)))).toEqual(cells);
    expect(csvCell("")).toBe('""');
    expect(csvCell("'x")).toBe("''x");
  });
});
