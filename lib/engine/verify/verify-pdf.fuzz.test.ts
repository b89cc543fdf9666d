import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSignetError } from "@/lib/engine/errors";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import type { VerificationReport } from "@/lib/engine/verify/verification-report";
import { seededRandom } from "@/test/support/seeded-random";

const prng = seededRandom;

type Mutation = { bytes: Uint8Array; kind: string; flips?: number[] };

const STRUCTURE = [
  "xref",
  "trailer",
  "startxref",
  "/ByteRange",
  "/Contents",
  "/Prev",
  "/Size",
  "/Root",
  "/AcroForm",
  "/Fields",
  " obj",
  "stream",
  "/Length",
  "/V ",
];

function mutate(original: Uint8Array, random: () => number): Mutation {
  const at = (n: number) => Math.floor(random() * n);
  const text = Buffer.from(original).toString("latin1");
  const bytes = original.slice();
  switch (at(6)) {
    case 0: {
      const flips = Array.from({ length: 1 + at(4) }, () => at(bytes.length));
      for (const p of flips) bytes[p] = at(256);
      return { bytes, kind: "flip", flips };
    }
    case 1: {
      // Near the structure: keywords, numbers of the xref and of /ByteRange.
      const keyword = STRUCTURE[at(STRUCTURE.length)] as string;
      const hits: number[] = [];
      for (let i = text.indexOf(keyword); i >= 0 && hits.length < 50; i = text.indexOf(keyword, i + 1)) hits.push(i);
      const base = hits.length ? (hits[at(hits.length)] as number) : at(bytes.length);
      const flips = Array.from({ length: 1 + at(3) }, () => Math.min(bytes.length - 1, base + at(keyword.length + 24)));
      for (const p of flips) bytes[p] = random() < 0.5 ? at(256) : "0123456789 <>[]/R\n".charCodeAt(at(18));
      return { bytes, kind: "structure", flips };
    }
    case 2:
      return { bytes: original.subarray(0, at(original.length)), kind: "truncate" };
    case 3: {
      const p = at(original.length);
      const extra = Uint8Array.from({ length: 1 + at(64) }, () => at(256));
      return { bytes: Buffer.concat([original.subarray(0, p), extra, original.subarray(p)]), kind: "insert" };
    }
    case 4: {
      const p = at(original.length);
      return {
        bytes: Buffer.concat([original.subarray(0, p), original.subarray(Math.min(original.length, p + 1 + at(200)))]),
        kind: "delete",
      };
    }
    default: {
      const tail = original.subarray(Math.max(0, original.length - 1 - at(4096)));
      return { bytes: Buffer.concat([original, tail]), kind: "append" };
    }
  }
}

/** The /Contents gaps of the original: the only bytes a change to which may leave a signature valid. */
function gaps(pdf: Uint8Array): Array<[number, number]> {
  const text = Buffer.from(pdf).toString("latin1");
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => [
    Number(m[1]) + Number(m[2]),
    Number(m[3]),
  ]);
}

describe("verifyPdf on mutated signed PDFs (seeded fuzz)", () => {
  it.each([
    ["s01-pyhanko-pades-bb-rsa.pdf", 0x5e41],
    ["s02-pyhanko-pades-bb-ec.pdf", 0x5e42],
    ["s03-pyhanko-two-signatures.pdf", 0x5e43],
  ])("%s: only typed errors or non-valid verdicts, fast", async (file, seed) => {
    const original = new Uint8Array(readFileSync(path.join(SIGNED_CORPUS_DIR, file)));
    const root = readFileSync(path.join(SIGNED_CORPUS_DIR, "test-root-ca.pem"), "utf8");
    const random = prng(seed);
    const originalGaps = gaps(original);
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const mutation = mutate(original, random);
      let outcome: string;
      const result = await verifyPdf(mutation.bytes, {
        trustAnchors: [root],
        limits: { maxMilliseconds: 5_000 },
      }).catch((error: unknown) => error);
      if (!isSignetError(result) && result instanceof Error)
        throw new Error(`mutation ${i} (${mutation.kind}) threw ${String(result)}`, { cause: result });
      if (isSignetError(result)) {
        outcome = `error: ${result.code}`;
      } else if ((result as VerificationReport).summary.exitCode === 0) {
        // Only a change inside a /Contents gap (a hex digit's case, white space) may keep the signatures valid.
        const changed = (mutation.flips ?? [-1]).filter((p) => p < 0 || mutation.bytes[p] !== original[p]);
        const insideGaps =
          mutation.flips !== undefined &&
          changed.every((p) => originalGaps.some(([from, to]) => p > from && p < to - 1));
        expect(insideGaps, `mutation ${i} (${mutation.kind}) left the file valid`).toBe(true);
        outcome = changed.length === 0 ? "valid (no byte changed)" : "valid (change inside /Contents)";
      } else {
        outcome = `report: ${(result as VerificationReport).summary.verdict}`;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    // Every mutation was handled; most are caught as something other than "valid".
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(200);
    expect(outcomes["valid (change inside /Contents)"] ?? 0).toBeLessThan(40);
    console.info(file, JSON.stringify(outcomes));
  });
});
