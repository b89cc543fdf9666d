import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { isSignetError } from "@/lib/engine/errors";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { qpdfCheck } from "@/test/support/pdf-tools";
import type { TestPki } from "@/test/support/pki-fixtures";
import { openSealStandard, qpdfBaseline, type SealStandard, type TestSigner } from "@/test/support/seal-standard";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { sealPdf, startOriginalDigest, type SealPdfRequest } from "@/lib/engine/seal/seal-pdf";

let standard: SealStandard;
let pki: TestPki;
let signer: TestSigner;
/** Another certificate for the second seal on a file (see SealStandard.checker). */
let checker: TestSigner;
const signerFor: SealStandard["signerFor"] = (key) => standard.signerFor(key);
const assertSealedToStandard: SealStandard["assertSealedToStandard"] = (...args) =>
  standard.assertSealedToStandard(...args);

beforeAll(async () => {
  standard = await openSealStandard();
  ({ pki, signer, checker } = standard);
}, 120_000);
afterAll(() => standard?.close());

describe("sealing the corpus", () => {
  const files = corpusFiles();
  for (const file of files.filter((f) => f.expected === "seal-ok")) {
    it(`${file.id}: sealed twice (visible, then invisible) to the full standard`, async () => {
      const original = readCorpusFile(file);
      const baseline = qpdfBaseline(file, original);
      const first = await sealPdf(original, {
        ...signer,
        placement: { page: 1, rect: { x: 36, y: 36, width: 200, height: 80 } },
        signer: { licence: "PE-12345", jurisdiction: "Ontario" },
        reason: "Approved for construction",
      });
      const second = await sealPdf(first.pdf, { ...checker });
      const existing = readSignatures(original).length;
      expect(second.fieldName).not.toBe(first.fieldName);
      await assertSealedToStandard(original, second.pdf, file.id, existing + 2, baseline);
      expect(Buffer.from(second.pdf.subarray(0, first.pdf.length)).equals(Buffer.from(first.pdf))).toBe(true);
    });
  }

  for (const file of files.filter((f) => f.expected.startsWith("reject-"))) {
    it(`${file.id}: refused with a typed error (${file.expected})`, async () => {
      const error = await sealPdf(readCorpusFile(file), { ...signer }).catch((e: unknown) => e);
      expect(isSignetError(error), String(error)).toBe(true);
      const expectedCode = {
        "reject-encrypted": "pdf.encrypted",
        "reject-damaged": /^pdf\.(damaged|not_pdf|limit)/,
        "reject-not-pdf": "pdf.not_pdf",
      }[file.expected as "reject-encrypted" | "reject-damaged" | "reject-not-pdf"];
      expect((error as { code: string }).code).toMatch(expectedCode);
    });
  }

  // The flate bombs: "the compression bombs" in seal-pdf.bombs.slow.test.ts.
  for (const file of files.filter((f) => f.expected === "repair-or-reject" && !/flate-bomb/.test(f.id))) {
    it(`${file.id}: refused with a typed error, or sealed to the full standard`, async () => {
      const original = readCorpusFile(file);
      const result = await sealPdf(original, { ...signer }).catch((e: unknown) => e);
      if (result instanceof Error) {
        expect(isSignetError(result), String(result)).toBe(true);
        return;
      }
      const sealed = (result as Awaited<ReturnType<typeof sealPdf>>).pdf;
      const again = await sealPdf(sealed, { ...checker });
      await assertSealedToStandard(
        original,
        again.pdf,
        file.id,
        readSignatures(original).length + 2,
        qpdfBaseline(file, original),
      );
    });
  }
});

describe("keys, hashes and timestamps", () => {
  const p06 = () => readCorpusFile(corpusFiles().find((f) => f.id.startsWith("p06-"))!);
  for (const key of ["rsa3072", "rsa4096", "ec256", "ec384"] as const) {
    for (const hash of ["SHA-256", "SHA-384", "SHA-512"] as const) {
      it(`${key} with ${hash}`, async () => {
        const original = p06();
        const keyed = await signerFor(key);
        const once = await sealPdf(original, { ...keyed, hash });
        const twice = await sealPdf(once.pdf, {
          ...(key === "ec256" ? signer : checker),
          hash,
          placement: { page: 2, rect: { x: 300, y: 600, width: 220, height: 90 } },
        });
        await assertSealedToStandard(original, twice.pdf, `${key}-${hash}`, 2, qpdfCheck(original).problems);
      });
    }
  }

  describe("with a timestamp authority", () => {
    let tsa: TestTsa;
    beforeAll(async () => {
      tsa = await startTestTsa(pki, "ok");
    });
    afterAll(async () => tsa?.stop());

    it("seals PAdES B-T and reports the timestamp", async () => {
      const original = p06();
      const result = await sealPdf(original, { ...signer, timestamper: new HttpTimestamper({ url: tsa.url }) });
      expect(result.timestamp?.genTime).toBeInstanceOf(Date);
      const again = await sealPdf(result.pdf, { ...checker, timestamper: new HttpTimestamper({ url: tsa.url }) });
      await assertSealedToStandard(original, again.pdf, "b-t", 2, qpdfCheck(original).problems);
    });

    it("retries once, with the measured size, when the token outgrows its allowance", async () => {
      let calls = 0;
      const counting: KeyBackend = {
        ...signer.backend,
        description: "counting",
        keyAlgorithm: () => signer.backend.keyAlgorithm(),
        publicKey: () => signer.backend.publicKey(),
        sign: (r) => ((calls += 1), signer.backend.sign(r)),
      };
      const request: SealPdfRequest = {
        ...signer,
        backend: counting,
        timestamper: new HttpTimestamper({ url: tsa.url }),
        timestampAllowanceBytes: 64,
      };
      const result = await sealPdf(p06(), request);
      expect(calls).toBe(2);
      expect(result.cmsBytes).toBeLessThanOrEqual(result.reservedBytes);
      await assertSealedToStandard(p06(), result.pdf, "retry", 1, qpdfCheck(p06()).problems);
      // With a digest of the original taken while reading: the retry hashes its new update after the same original.
      const originalDigest = startOriginalDigest();
      originalDigest.update(p06());
      calls = 0;
      const read = await sealPdf(p06(), { ...request, originalDigest });
      expect(calls).toBe(2);
      await assertSealedToStandard(p06(), read.pdf, "retry-read-digest", 1, qpdfCheck(p06()).problems);
    });
  });

  it("with a digest of the original taken while reading, seals the same bytes without hashing it again", async () => {
    const original = p06();
    const keyed = await signerFor("rsa3072");
    const signingTime = new Date("2026-11-22T14:03:09Z");
    for (const hash of ["SHA-256", "SHA-512"] as const) {
      const digest = startOriginalDigest(hash);
      for (let at = 0; at < original.length; at += 4096) digest.update(original.subarray(at, at + 4096));
      const read = await sealPdf(original, { ...keyed, hash, signingTime, originalDigest: digest });
      const plain = await sealPdf(original, { ...keyed, hash, signingTime });
      // RSA PKCS#1 v1.5 is deterministic: the same digest gives the same signature, byte for byte.
      expect(Buffer.from(read.documentDigest).equals(Buffer.from(plain.documentDigest))).toBe(true);
      expect(Buffer.from(read.pdf).equals(Buffer.from(plain.pdf))).toBe(true);
      await assertSealedToStandard(original, read.pdf, `read-digest-${hash}`, 1, qpdfCheck(original).problems);
    }
  });

  it("refuses a digest of the original that covers other bytes or uses another hash, before signing", async () => {
    const original = p06();
    let calls = 0;
    const backend: KeyBackend = {
      description: "counting",
      keyAlgorithm: () => signer.backend.keyAlgorithm(),
      publicKey: () => signer.backend.publicKey(),
      sign: (r) => ((calls += 1), signer.backend.sign(r)),
    };
    const short = startOriginalDigest("SHA-256");
    short.update(original.subarray(0, original.length - 1));
    const otherHash = startOriginalDigest("SHA-384");
    otherHash.update(original);
    for (const originalDigest of [short, otherHash]) {
      const error = await sealPdf(original, { ...signer, backend, originalDigest }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("seal.bad_request");
    }
    expect(calls).toBe(0);
  });

  it("a TSA that fails fails the seal with its typed error", async () => {
    const broken = await startTestTsa(pki, "http500");
    try {
      const error = await sealPdf(p06(), { ...signer, timestamper: new HttpTimestamper({ url: broken.url }) }).catch(
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe("tsa.http_error");
    } finally {
      await broken.stop();
    }
  });

  it("a key that does not belong to the certificate is refused before anything is signed", async () => {
    const other = await signerFor("ec256");
    let calls = 0;
    const backend: KeyBackend = {
      description: "other key",
      keyAlgorithm: () => other.backend.keyAlgorithm(),
      publicKey: () => other.backend.publicKey(),
      sign: (r) => ((calls += 1), other.backend.sign(r)),
    };
    const error = await sealPdf(p06(), { ...signer, backend }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("cms.key_certificate_mismatch");
    expect(calls).toBe(0);
  });
});
