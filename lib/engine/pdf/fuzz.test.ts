import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSignetError } from "@/lib/engine/errors";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { analyseChangesAfter } from "@/lib/engine/pdf/change-analysis";
import { prepareSignature } from "@/lib/engine/pdf/prepare-signature";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { seededRandom } from "@/test/support/seeded-random";

const prng = seededRandom;

const SEED = Number(process.env.SIGNET_FUZZ_SEED ?? 20261122);
const ITERATIONS = Number(process.env.SIGNET_FUZZ_ITERATIONS ?? 4000);
const TIME = new Date("2026-11-22T14:03:09Z");

function mutate(input: Uint8Array, others: Uint8Array[], random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  // Half of the mutations land in the last 4 KB: cross-reference sections and trailers live there.
  const position = (length: number) =>
    random() < 0.5 ? Math.max(0, length - 1 - pick(Math.min(length, 4096))) : pick(length);
  const out = Buffer.from(input);
  switch (pick(5)) {
    case 0: {
      for (let i = 0, n = 1 + pick(16); i < n && out.length > 0; i++) {
        const at = position(out.length);
        out[at] = (out[at] as number) ^ (1 << pick(8));
      }
      return out;
    }
    case 1:
      return out.subarray(0, position(out.length));
    case 2: {
      const donor = others[pick(others.length)] as Uint8Array;
      const from = position(donor.length);
      const chunk = donor.subarray(from, from + 1 + pick(512));
      const at = position(out.length);
      return Buffer.concat([out.subarray(0, at), chunk, out.subarray(at + pick(512))]);
    }
    case 3: {
      // Replace a number with another one (offsets, counts, lengths).
      const text = out.toString("latin1");
      const at = position(out.length);
      const match = /\d+/.exec(text.slice(at));
      if (match === null) return out;
      const start = at + match.index;
      const replacement = String([0, 1, 2 ** 31, 2 ** 53, pick(1e6), Number(match[0]) + 1][pick(6)]);
      return Buffer.concat([out.subarray(0, start), Buffer.from(replacement), out.subarray(start + match[0].length)]);
    }
    default: {
      const at = position(out.length);
      const junk = [
        "[[[[[[[[",
        "<<<<",
        "(((",
        "endobj",
        "stream\n",
        " 0 R",
        "/Kids [1 0 R]",
        "/Prev 0",
        "%%EOF\n",
        "xref\n0 999999\n",
      ][pick(10)] as string;
      return Buffer.concat([out.subarray(0, at), Buffer.from(junk, "latin1"), out.subarray(at)]);
    }
  }
}

/** A hang cannot pass unnoticed: lib/pdf's own time budget turns it into a typed error, and vitest's timeout backs that up. */
async function expectOnlyTypedErrors(label: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isSignetError(error)) throw new Error(`${label}: untyped error ${String(error)}`, { cause: error });
  }
}

describe("fuzzing the reader and the signer", () => {
  it(`only ever throws SignetErrors (seed ${SEED}, ${ITERATIONS} mutations)`, async () => {
    const random = prng(SEED);
    const seeds = corpusFiles()
      .filter((f) => statSync(f.path).size < 300_000 && !/flate-bomb/.test(f.id))
      .map((f) => readCorpusFile(f));
    // Sealed files too, so signature dictionaries and revisions get mutated.
    const sealed = [];
    for (const pdf of seeds.slice(0, 6)) {
      try {
        sealed.push((await prepareSignature(pdf, { signingTime: TIME, contentsBytes: 256 })).bytes);
      } catch {
        // a reject-* seed
      }
    }
    const pool = [...seeds, ...sealed];
    let calls = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = pool[Math.floor(random() * pool.length)] as Uint8Array;
      const mutated = mutate(input, pool, random);
      const label = `iteration ${i} (seed ${SEED})`;
      const visible = i % 20 === 0;
      await expectOnlyTypedErrors(`${label} prepareSignature`, async () => {
        const prepared = await prepareSignature(mutated, {
          signingTime: TIME,
          contentsBytes: 64,
          appearance: visible
            ? {
                page: 1,
                rect: { x: 10, y: 10, width: 120, height: 40 },
                stamp: { signerName: "Fuzz", sealedAt: TIME, fingerprint: "00" },
              }
            : undefined,
        });
        expect(Buffer.compare(prepared.bytes.subarray(0, mutated.length), mutated)).toBe(0);
      });
      await expectOnlyTypedErrors(`${label} readSignatures`, () => readSignatures(mutated));
      if (i % 5 === 0)
        await expectOnlyTypedErrors(`${label} analyseChangesAfter`, () =>
          analyseChangesAfter(mutated, Math.floor(mutated.length / 2)),
        );
      calls++;
    }
    expect(calls).toBe(ITERATIONS);
  }, 600_000);
});
