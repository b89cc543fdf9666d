import { describe, expect, it } from "vitest";
import { checkByteRange } from "@/lib/engine/verify/byte-range-check";

// "AAAA" signed, "<0011>" the /Contents gap at 4..10, "BBBB" signed, then a revision end at 14.
const bytes = Buffer.from("AAAA<0011>BBBB", "latin1");
const span = { start: 4, end: 10 };

describe("checkByteRange", () => {
  it("accepts two ranges around exactly the /Contents string and finds the revision it seals", () => {
    expect(checkByteRange({ byteRange: [0, 4, 10, 4], contentsSpan: span }, bytes, [14])).toEqual({
      value: [0, 4, 10, 4],
      sane: true,
      problems: [],
      usable: [0, 4, 10, 4],
      coveredUntil: 14,
      coversWholeFile: true,
      revision: 0,
    });
  });

  it("tolerates white space between the signed end and the revision end", () => {
    const withEol = Buffer.concat([bytes, Buffer.from("\r\n")]);
    expect(checkByteRange({ byteRange: [0, 4, 10, 4], contentsSpan: span }, withEol, [16])).toMatchObject({
      sane: true,
      revision: 0,
      coversWholeFile: false,
    });
    const withMore = Buffer.concat([bytes, Buffer.from("x\n")]);
    expect(checkByteRange({ byteRange: [0, 4, 10, 4], contentsSpan: span }, withMore, [16]).revision).toBeUndefined();
  });

  it.each([
    ["missing", undefined, span, /no \/ByteRange/],
    ["three numbers", [0, 4, 10], span, /exactly two ranges/],
    ["six numbers", [0, 2, 3, 1, 10, 4], span, /exactly two ranges/],
    ["negative", [0, 4, 10, -4], span, /negative/],
    ["overlapping", [0, 11, 10, 4], span, /overlap/],
    ["beyond the file", [0, 4, 10, 5], span, /beyond the end/],
    ["not from 0", [1, 3, 10, 4], span, /does not start at the beginning/],
    ["a gap wider than /Contents", [0, 3, 10, 4], span, /not exactly the signature's \/Contents/],
    ["/Contents not located", [0, 4, 10, 4], undefined, /could not be located/],
  ] as const)("refuses a byte range %s", (_name, byteRange, contentsSpan, problem) => {
    const report = checkByteRange({ byteRange, contentsSpan }, bytes, [14]);
    expect(report.sane).toBe(false);
    expect(report.problems.join(" ")).toMatch(problem);
  });

  it("keeps a range that lies within the file usable for hashing even when it is not sane", () => {
    expect(checkByteRange({ byteRange: [1, 3, 10, 4], contentsSpan: span }, bytes, [14]).usable).toEqual([1, 3, 10, 4]);
    expect(checkByteRange({ byteRange: [0, 4, 10, 5], contentsSpan: span }, bytes, [14]).usable).toBeUndefined();
  });
});
