import { describe, expect, it } from "vitest";
import { cleanFileName, contentDisposition, sealedFileName, uniqueNames } from "./file-names";

describe("file names", () => {
  it("keeps the name, never a path or control characters", () => {
    expect(cleanFileName("C:\\Users\\ada\\Bridge report.pdf")).toBe("Bridge report.pdf");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0000b\r\n.pdf")).toBe("ab.pdf");
    expect(cleanFileName("..")).toBe("document.pdf");
  });

  it("names sealed files <name>-sealed.pdf and writes a safe Content-Disposition", () => {
    expect(sealedFileName("Plan 7.PDF")).toBe("Plan 7-sealed.pdf");
    expect(sealedFileName("notes")).toBe("notes-sealed.pdf");
    const header = contentDisposition('Brücke "A"; 1-sealed.pdf');
    expect(header).toBe(`attachment; filename="Brucke A 1-sealed.pdf"; filename*=UTF-8''Br%C3%BCcke%20%22A%22%3B%201-sealed.pdf`);
    expect(header).not.toMatch(/[\r\n]/);
  });

  it("makes names in a zip unique", () => {
    expect(uniqueNames(["a.pdf", "A.pdf", "b.pdf", "a.pdf"])).toEqual(["a.pdf", "A (2).pdf", "b.pdf", "a (3).pdf"]);
  });
});
