import { describe, expect, it } from "vitest";
import { cleanFileName, contentDisposition, sealedFileName, uniqueNames } from "@/lib/documents/file-names";

describe("file names", () => {
  it("keeps the name, never a path or control characters", () => {
    expect(cleanFileName("C:\\Users\\ada\\Bridge report.pdf")).toBe("Bridge report.pdf");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0000b\r\n.pdf")).toBe("ab.pdf");
    expect(cleanFileName("..")).toBe("document.pdf");
  });

  it("drops bidirectional controls and other invisible format characters, so a name shows what it is", () => {
    expect(cleanFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    const bidi = [
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\u200E",
      "\u200F",
      "\u061C",
    ];
    for (const c of bidi)
      expect(cleanFileName(`re${c}port.pdf`), `U+${c.codePointAt(0)!.toString(16)}`).toBe("report.pdf");
    // Other format and control characters: zero-width space, BOM, soft hyphen, C1 controls, line separator, a lone surrogate.
    expect(cleanFileName("a\u200Bb\uFEFFc\u00ADd\u0085e\u009Bf\u2028g\uD800.pdf")).toBe("abcdefg.pdf");
    // Letters of every script stay.
    expect(cleanFileName("تقرير Brücke 報告.pdf")).toBe("تقرير Brücke 報告.pdf");
    expect(cleanFileName("\u202E\u202E")).toBe("document.pdf");
  });

  it("never puts a bidirectional control into a download's Content-Disposition", () => {
    const header = contentDisposition("invoice\u202Efdp.pdf");
    expect(header).toBe(`attachment; filename="invoicefdp.pdf"; filename*=UTF-8''invoicefdp.pdf`);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).not.toMatch(
      /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/,
    );
    expect(sealedFileName("plan\u2067.pdf\u2069")).toBe("plan-sealed.pdf");
    expect(() => contentDisposition("broken\uDC00.pdf")).not.toThrow();
    // Shortening never splits a character in two (half a surrogate pair would be a lone surrogate).
    const long = cleanFileName(`${"a".repeat(199)}\u{1F600}tail.pdf`);
    expect(long).toBe(`${"a".repeat(199)}\u{1F600}`);
    expect(() => contentDisposition(`${"a".repeat(199)}\u{1F600}tail.pdf`)).not.toThrow();
  });

  it("names sealed files <name>-sealed.pdf and writes a safe Content-Disposition", () => {
    expect(sealedFileName("Plan 7.PDF")).toBe("Plan 7-sealed.pdf");
    expect(sealedFileName("notes")).toBe("notes-sealed.pdf");
    const header = contentDisposition('Brücke "A"; 1-sealed.pdf');
    expect(header).toBe(
      `attachment; filename="Brucke A 1-sealed.pdf"; filename*=UTF-8''Br%C3%BCcke%20%22A%22%3B%201-sealed.pdf`,
    );
    expect(header).not.toMatch(/[\r\n]/);
  });

  it("makes names in a zip unique", () => {
    expect(uniqueNames(["a.pdf", "A.pdf", "b.pdf", "a.pdf"])).toEqual(["a.pdf", "A (2).pdf", "b.pdf", "a (3).pdf"]);
  });
});
