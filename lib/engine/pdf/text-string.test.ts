import { describe, expect, it } from "vitest";
import { decodePdfText, formatPdfDate, parsePdfDate, pdfTextString } from "@/lib/engine/pdf/text-string";

describe("PDF text strings", () => {
  it("keeps printable ASCII as is and writes anything else as UTF-16BE with a BOM", () => {
    expect(Buffer.from(pdfTextString("Plain (text)").bytes).toString("latin1")).toBe("Plain (text)");
    const utf16 = pdfTextString("Größe ✓");
    expect([...utf16.bytes.subarray(0, 4)]).toEqual([0xfe, 0xff, 0x00, 0x47]);
    expect(decodePdfText(utf16.bytes)).toBe("Größe ✓");
  });

  it("formats /M in UTC and parses PDF dates with offsets", () => {
    expect(formatPdfDate(new Date("2026-11-22T14:03:09Z"))).toBe("D:20261122140309+00'00'");
    expect(parsePdfDate("D:20261122140309+00'00'")?.toISOString()).toBe("2026-11-22T14:03:09.000Z");
    expect(parsePdfDate("D:20261122160309+02'00'")?.toISOString()).toBe("2026-11-22T14:03:09.000Z");
    expect(parsePdfDate("D:20261122012627Z")?.toISOString()).toBe("2026-11-22T01:26:27.000Z");
    expect(parsePdfDate("yesterday")).toBeUndefined();
  });
});
