import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { listRevisions } from "@/lib/engine/pdf/revisions";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki/certificate";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { isSignetError } from "@/lib/engine/errors";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { qpdfCheck, type QpdfCheck } from "@/test/support/pdf-tools";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { getTestPki, type TestCertificate, type TestKeyType, type TestPki } from "@/test/support/pki-fixtures";
import { opensslCmsVerify } from "@/test/support/pki-openssl";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { sealPdf, type SealPdfRequest, type SealResult } from "./seal-pdf";

let pki: TestPki;
let nss: NssDb;
let work: string;
let signer: { backend: KeyBackend; certificate: Certificate; chain: Certificate[] };
/**
 * The second seal on a file comes from another certificate (an engineer, then a checker).
 * poppler 22.12's pdfsig reports "Unknown issue with Certificate" for the second of two
 * signatures made with the very same certificate (NSS: "Objects are still in use"), while
 * each verifies alone and with openssl; two certificates avoid that validator quirk.
 */
let checker: typeof signer;

async function signerFor(key: TestKeyType) {
  const leaf: TestCertificate = await pki.leaf(key);
  return { backend: LocalKeyBackend.fromKeyFile(leaf.keyPem), certificate: parseCertificate(leaf.certDer), chain: parseCertificates(pki.chainPem) };
}

beforeAll(async () => {
  pki = await getTestPki();
  nss = await createNssDb([{ name: "signet-test-root", pem: pki.root.certPem }]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-seal-"));
  signer = await signerFor("rsa2048");
  checker = await signerFor("ec256");
}, 120_000);
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(nss.dir, { recursive: true, force: true });
});

/** Checks one sealed file with poppler's pdfsig, qpdf and openssl cms, as an outsider would. */
async function assertSealedToStandard(original: Uint8Array, sealed: Uint8Array, label: string, expectedSignatures: number, qpdfBaseline: string[]) {
  expect(Buffer.from(sealed.subarray(0, original.length)).equals(Buffer.from(original)), `${label}: the original is a prefix`).toBe(true);
  const file = path.join(work, `${label.replace(/[^a-z0-9]+/gi, "_")}.pdf`);
  fs.writeFileSync(file, sealed);

  const report = await pdfsig(nss, file);
  const blocks = report.output.split(/^Signature #\d+:$/m).slice(1);
  expect(blocks, `${label}: pdfsig sees every signature\n${report.output}`).toHaveLength(expectedSignatures);
  const ours = blocks.slice(-2);
  for (const block of ours) expect(block, `${label}\n${report.output}`).toMatch(/Signature Validation: Signature is Valid\./);
  const last = blocks[blocks.length - 1]!;
  expect(last, `${label}\n${report.output}`).toMatch(/Certificate Validation: Certificate is Trusted\./);
  expect(last, `${label}\n${report.output}`).toMatch(/Total document signed/);
  expect(last).toMatch(/Signature Type: ETSI\.CAdES\.detached/);

  const problems = qpdfCheck(sealed).problems.filter((p) => !qpdfBaseline.includes(p));
  expect(problems, `${label}: qpdf --check adds no problems`).toEqual([]);

  for (const signature of readSignatures(sealed).slice(-2)) {
    const [a = 0, b = 0, c = 0, d = 0] = signature.byteRange ?? [];
    const covered = Buffer.concat([sealed.subarray(a, a + b), sealed.subarray(c, c + d)]);
    const cms = await opensslCmsVerify(signature.contents, covered, pki.root.certPem);
    expect(cms.ok, `${label}: openssl cms -verify over the exact byte ranges\n${cms.output}`).toBe(true);
  }
}

/** The manifest records qpdf's verdict on each original; only files it flags are checked again for a baseline (qpdf inflates the 1 GiB bombs). */
function qpdfBaseline(file: ReturnType<typeof corpusFiles>[number], original: Uint8Array): string[] {
  return /qpdf --check rc=0/.test(file.notes) ? [] : qpdfCheck(original).problems;
}

/**
 * The structure lib/pdf/corpus.test.ts (expectValidSeal) asks of every sealed output, for a seal made
 * by sealPdf: the input is a prefix, the byte range covers everything but the reserved /Contents
 * hex string, the signature is reachable, the file ends in a new revision, and qpdf --check finds
 * nothing the input did not have. Returns this output's qpdf verdict, the baseline for the next seal.
 */
function expectSealStructure(before: Uint8Array, result: SealResult, beforeCheck: QpdfCheck): QpdfCheck {
  const out = result.pdf;
  expect(out.length).toBeGreaterThan(before.length);
  expect(Buffer.compare(out.subarray(0, before.length), before)).toBe(0);
  const mine = readSignatures(out).find((s) => s.fieldName === result.fieldName);
  expect(mine, "new signature reachable from /AcroForm").toBeDefined();
  const [a, b = 0, c = 0, d] = mine?.byteRange ?? [];
  expect(a).toBe(0);
  expect(out[b]).toBe(0x3c);
  expect(out[c - 1]).toBe(0x3e);
  expect(c - b).toBe(result.reservedBytes * 2 + 2);
  expect(c + (d ?? 0)).toBe(out.length);
  expect(Buffer.from(out.subarray(out.length - 6)).toString("latin1")).toBe("%%EOF\n");
  expect(mine?.contentsSpan).toEqual({ start: b, end: c });
  expect(mine?.subFilter).toBe("ETSI.CAdES.detached");

  const check = qpdfCheck(out);
  expect(check.problems.filter((p) => !beforeCheck.problems.includes(p))).toEqual([]);
  expect(check.status === 0 || check.status === beforeCheck.status).toBe(true);

  const revisions = listRevisions(out);
  expect(revisions[revisions.length - 1]?.end).toBe(out.length);
  expect(revisions.some((r) => r.end === before.length || r.end === before.length + 1)).toBe(true);
  return check;
}

describe("sealing the corpus", () => {
  const files = corpusFiles();
  for (const file of files.filter((f) => f.expected === "seal-ok")) {
    it(`${file.id}: sealed twice (visible, then invisible) to the full standard`, async () => {
      const original = readCorpusFile(file);
      const baseline = qpdfBaseline(file, original);
      const first = await sealPdf(original, { ...signer, placement: { page: 1, rect: { x: 36, y: 36, width: 200, height: 80 } }, signer: { licence: "PE-12345", jurisdiction: "Ontario" }, reason: "Approved for construction" });
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
      const expectedCode = { "reject-encrypted": "pdf.encrypted", "reject-damaged": /^pdf\.(damaged|not_pdf|limit)/, "reject-not-pdf": "pdf.not_pdf" }[file.expected as "reject-encrypted" | "reject-damaged" | "reject-not-pdf"];
      expect((error as { code: string }).code).toMatch(expectedCode);
    });
  }

  // The flate bombs: "the compression bombs" below.
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
      await assertSealedToStandard(original, again.pdf, file.id, readSignatures(original).length + 2, qpdfBaseline(file, original));
    });
  }
});

/**
 * The two flate bombs (repair-or-reject: page content inflating to 1 GiB) are sealed here and only
 * here: once with the checks lib/pdf/corpus.test.ts makes on every repair-or-reject file (a visible
 * seal then an invisible one, each with expectSealStructure and qpdf --check against the file before
 * it), and to the full standard of this file. qpdf --check inflates the 1 GiB streams (about 15 s a
 * run, 3 GB of memory), so each distinct file is checked once: the original, the first seal, the second.
 */
describe("the compression bombs", () => {
  const bombs = corpusFiles().filter((f) => /flate-bomb/.test(f.id));
  it("finds both bomb files in the corpus", () => {
    expect(bombs).toHaveLength(2);
  });

  for (const file of bombs) {
    it(`${file.id}: refused with a typed error, or sealed twice to the full standard, each seal checked`, async () => {
      const original = readCorpusFile(file);
      const result = await sealPdf(original, { ...signer, placement: { page: 1, rect: { x: 36, y: 36, width: 200, height: 72 } }, reason: "Sealed for the record" }).catch((e: unknown) => e);
      if (result instanceof Error) {
        expect(isSignetError(result), String(result)).toBe(true);
        return;
      }
      const first = result as SealResult;
      const firstCheck = expectSealStructure(original, first, qpdfCheck(original));
      const again = await sealPdf(first.pdf, { ...checker });
      expectSealStructure(first.pdf, again, firstCheck);
      await assertSealedToStandard(original, again.pdf, file.id, readSignatures(original).length + 2, qpdfBaseline(file, original));
    }, 300_000);
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
        const twice = await sealPdf(once.pdf, { ...(key === "ec256" ? signer : checker), hash, placement: { page: 2, rect: { x: 300, y: 600, width: 220, height: 90 } } });
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
      const counting: KeyBackend = { ...signer.backend, description: "counting", keyAlgorithm: () => signer.backend.keyAlgorithm(), publicKey: () => signer.backend.publicKey(), sign: (r) => ((calls += 1), signer.backend.sign(r)) };
      const request: SealPdfRequest = { ...signer, backend: counting, timestamper: new HttpTimestamper({ url: tsa.url }), timestampAllowanceBytes: 64 };
      const result = await sealPdf(p06(), request);
      expect(calls).toBe(2);
      expect(result.cmsBytes).toBeLessThanOrEqual(result.reservedBytes);
      await assertSealedToStandard(p06(), result.pdf, "retry", 1, qpdfCheck(p06()).problems);
    });
  });

  it("a TSA that fails fails the seal with its typed error", async () => {
    const broken = await startTestTsa(pki, "http500");
    try {
      const error = await sealPdf(p06(), { ...signer, timestamper: new HttpTimestamper({ url: broken.url }) }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("tsa.http_error");
    } finally {
      await broken.stop();
    }
  });

  it("a key that does not belong to the certificate is refused before anything is signed", async () => {
    const other = await signerFor("ec256");
    let calls = 0;
    const backend: KeyBackend = { description: "other key", keyAlgorithm: () => other.backend.keyAlgorithm(), publicKey: () => other.backend.publicKey(), sign: (r) => ((calls += 1), other.backend.sign(r)) };
    const error = await sealPdf(p06(), { ...signer, backend }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("cms.key_certificate_mismatch");
    expect(calls).toBe(0);
  });
});
