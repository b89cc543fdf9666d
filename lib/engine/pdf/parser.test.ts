import { describe, expect, it } from "vitest";
import { PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import { Lexer } from "@/lib/engine/pdf/lexer";
import { Budget, resolveLimits } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfName, PdfRef, PdfString, type PdfObject } from "@/lib/engine/pdf/objects";
import { parseIndirectObject, parseObject } from "@/lib/engine/pdf/parser";

function parse(text: string | Uint8Array): PdfObject {
  const src = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  const budget = new Budget(resolveLimits());
  return parseObject(new Lexer(src, 0, budget), budget);
}

describe("parseObject", () => {
  it("reads dictionaries, references, names, numbers and strings", () => {
    const value = parse(
      "<< /Type /Sig /A#20B 12 0 R /N [-.5 3. +7 -12] /S (a\\(b\\)\\n\\101\\\r\nc) /H <48 65 6c6C 6f7> /B true /Z null >>",
    );
    expect(value).toBeInstanceOf(PdfDict);
    const dict = value as PdfDict;
    expect(dict.get("Type")).toEqual(new PdfName("Sig"));
    expect(dict.get("A B")).toEqual(new PdfRef(12, 0));
    expect(dict.get("N")).toEqual([-0.5, 3, 7, -12]);
    expect(Buffer.from((dict.get("S") as PdfString).bytes).toString("latin1")).toBe("a(b)\nAc");
    expect(Buffer.from((dict.get("H") as PdfString).bytes).toString("latin1")).toBe("Hellop");
    expect(dict.get("B")).toBe(true);
    expect(dict.has("Z")).toBe(false);
  });

  it("tells integers followed by numbers from references", () => {
    expect(parse("[1 2 3 0 R 4]")).toEqual([1, 2, new PdfRef(3, 0), 4]);
    expect(parse("[1 2 R]")).toEqual([new PdfRef(1, 2)]);
  });

  it("refuses 100000 nested arrays with a typed error, not a stack overflow", () => {
    const deep = Buffer.alloc(200_000);
    deep.fill(0x5b, 0, 100_000);
    deep.fill(0x5d, 100_000);
    expect(() => parse(deep)).toThrow(PdfDamagedError);
    expect(() => parse(`${"[".repeat(64)}${"]".repeat(64)}`)).not.toThrow();
    const error = (() => {
      try {
        parse(`${"[".repeat(65)}${"]".repeat(65)}`);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PdfDamagedError);
    expect((error as PdfDamagedError).detail).toMatch(/nested deeper than 64/);
  });

  it("reports malformed input as damage", () => {
    for (const bad of ["<< 1 2 >>", "(unterminated", "[1 2", "<< /A 1 ]", "<4G>", "endobj", ">"]) {
      expect(() => parse(bad), bad).toThrow(PdfDamagedError);
    }
  });
});

describe("parseIndirectObject", () => {
  const budget = () => new Budget(resolveLimits());

  it("gives a stream's data as a view, using /Length", () => {
    const src = Buffer.from("7 0 obj\n<< /Length 5 >>\nstream\r\nhello\nendstream\nendobj\n", "latin1");
    const object = parseIndirectObject(src, 0, budget(), () => undefined);
    expect(object.num).toBe(7);
    const value = object.value as { data: Uint8Array };
    expect(Buffer.from(value.data).toString()).toBe("hello");
    expect(value.data.buffer).toBe(src.buffer);
  });

  it("falls back to endstream when /Length is wrong or indirect and unknown", () => {
    const src = Buffer.from("7 0 obj\n<< /Length 9 0 R >>\nstream\nhello world\nendstream\nendobj\n", "latin1");
    const value = parseIndirectObject(src, 0, budget(), () => undefined).value as { data: Uint8Array };
    expect(Buffer.from(value.data).toString()).toBe("hello world");
  });
});
