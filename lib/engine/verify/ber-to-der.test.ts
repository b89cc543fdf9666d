import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSignedData } from "@/lib/engine/cms/parse-signed-data";
import { PDF_CORPUS_DIR } from "@/test/support/shared-dir";
import { definiteLengths } from "@/lib/engine/verify/ber-to-der";

describe("definiteLengths", () => {
  it("rewrites indefinite lengths and keeps definite elements byte for byte", () => {
    // SEQUENCE(indef) { INTEGER 5, [0](indef) { OCTET STRING "ab" } } EOC
    const ber = Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x05, 0xa0, 0x80, 0x04, 0x02, 0x61, 0x62, 0x00, 0x00, 0x00, 0x00);
    expect([...definiteLengths(ber)]).toEqual([0x30, 0x09, 0x02, 0x01, 0x05, 0xa0, 0x04, 0x04, 0x02, 0x61, 0x62]);
    // A long-form length that is not minimal is kept when nothing inside changes.
    const definite = Uint8Array.of(0x30, 0x81, 0x03, 0x02, 0x01, 0x07);
    expect(definiteLengths(definite)).toBe(definite);
  });

  it("leaves malformed or hostile input unchanged", () => {
    const unterminated = Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x05);
    expect(definiteLengths(unterminated)).toBe(unterminated);
    const deep = new Uint8Array(2 * 1000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    expect(definiteLengths(deep)).toBe(deep);
  });

  it("makes the CMS that NSS (pdfsig) writes readable", () => {
    const pdf = readFileSync(path.join(PDF_CORPUS_DIR, "more", "p16-pdfsig-signed.pdf"));
    const text = pdf.toString("latin1");
    const [, , b, c] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text)?.map(Number) ?? [];
    const cms = Uint8Array.from(Buffer.from(text.slice((b as number) + 1, (c as number) - 1), "hex"));
    expect(() => parseSignedData(cms)).toThrow();
    expect(parseSignedData(definiteLengths(cms)).signerInfos).toHaveLength(1);
  });
});
