import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ByteRangeDigester } from "@/lib/engine/verify/byte-range-digester";

const file = new Uint8Array(randomBytes(10_000));
const direct = (alg: string, [a, b, c, d]: number[]) =>
  new Uint8Array(
    createHash(alg)
      .update(file.subarray(a, (a as number) + (b as number)))
      .update(file.subarray(c, (c as number) + (d as number)))
      .digest(),
  );

describe("ByteRangeDigester", () => {
  it("gives the digest of the two ranges, whatever the order of requests and algorithms", () => {
    const digester = new ByteRangeDigester(file);
    const ranges = [
      [0, 6000, 6100, 1000],
      [0, 2000, 2100, 3000],
      [0, 8000, 8200, 1800],
      [0, 2000, 2100, 3000],
      [5, 100, 200, 50],
    ] as const;
    for (const range of ranges) {
      expect(digester.digest(range, "SHA-256")).toEqual(direct("sha256", [...range]));
      expect(digester.digest(range, "SHA-384")).toEqual(direct("sha384", [...range]));
    }
  });

  it("refuses a range outside the file", () => {
    expect(() => new ByteRangeDigester(file).digest([0, 10, 9_999, 2], "SHA-256")).toThrow(RangeError);
    expect(() => new ByteRangeDigester(file).digest([0, 10, 5, 2], "SHA-256")).toThrow(RangeError);
  });
});
