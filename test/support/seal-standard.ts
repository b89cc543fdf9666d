/**
 * The full standard a sealed corpus file is held to (lib/engine/seal/seal-pdf.test.ts and the slow
 * compression-bomb file beside it): poppler's pdfsig, qpdf --check and openssl cms, as an outsider
 * would check it, and the structure lib/engine/pdf/corpus.test.ts asks of every sealed output.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { listRevisions } from "@/lib/engine/pdf/revisions";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki/certificate";
import type { SealResult } from "@/lib/engine/seal/seal-pdf";
import type { CorpusFile } from "@/test/support/pdf-corpus";
import { qpdfCheck, type QpdfCheck } from "@/test/support/pdf-tools";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { getTestPki, type TestCertificate, type TestKeyType, type TestPki } from "@/test/support/pki-fixtures";
import { opensslCmsVerify } from "@/test/support/pki-openssl";

export type TestSigner = { backend: KeyBackend; certificate: Certificate; chain: Certificate[] };

export interface SealStandard {
  pki: TestPki;
  nss: NssDb;
  work: string;
  signer: TestSigner;
  /**
   * The second seal on a file comes from another certificate (an engineer, then a checker).
   * poppler 22.12's pdfsig reports "Unknown issue with Certificate" for the second of two
   * signatures made with the very same certificate (NSS: "Objects are still in use"), while
   * each verifies alone and with openssl; two certificates avoid that validator quirk.
   */
  checker: TestSigner;
  signerFor(key: TestKeyType): Promise<TestSigner>;
  /** Checks one sealed file with poppler's pdfsig, qpdf and openssl cms, as an outsider would. */
  assertSealedToStandard(
    original: Uint8Array,
    sealed: Uint8Array,
    label: string,
    expectedSignatures: number,
    qpdfBaseline: string[],
  ): Promise<void>;
  close(): void;
}

export async function openSealStandard(): Promise<SealStandard> {
  const pki = await getTestPki();
  const nss = await createNssDb([{ name: "signet-test-root", pem: pki.root.certPem }]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-seal-"));
  async function signerFor(key: TestKeyType): Promise<TestSigner> {
    const leaf: TestCertificate = await pki.leaf(key);
    return {
      backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
      certificate: parseCertificate(leaf.certDer),
      chain: parseCertificates(pki.chainPem),
    };
  }

  async function assertSealedToStandard(
    original: Uint8Array,
    sealed: Uint8Array,
    label: string,
    expectedSignatures: number,
    qpdfBaseline: string[],
  ) {
    expect(
      Buffer.from(sealed.subarray(0, original.length)).equals(Buffer.from(original)),
      `${label}: the original is a prefix`,
    ).toBe(true);
    const file = path.join(work, `${label.replace(/[^a-z0-9]+/gi, "_")}.pdf`);
    fs.writeFileSync(file, sealed);

    const report = await pdfsig(nss, file);
    const blocks = report.output.split(/^Signature #\d+:$/m).slice(1);
    expect(blocks, `${label}: pdfsig sees every signature\n${report.output}`).toHaveLength(expectedSignatures);
    const ours = blocks.slice(-2);
    for (const block of ours)
      expect(block, `${label}\n${report.output}`).toMatch(/Signature Validation: Signature is Valid\./);
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

  return {
    pki,
    nss,
    work,
    signer: await signerFor("rsa2048"),
    checker: await signerFor("ec256"),
    signerFor,
    assertSealedToStandard,
    close() {
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(nss.dir, { recursive: true, force: true });
    },
  };
}

/** The manifest records qpdf's verdict on each original; only files it flags are checked again for a baseline (qpdf inflates the 1 GiB bombs). */
export function qpdfBaseline(file: CorpusFile, original: Uint8Array): string[] {
  return /qpdf --check rc=0/.test(file.notes) ? [] : qpdfCheck(original).problems;
}

/**
 * The structure lib/engine/pdf/corpus.test.ts (expectValidSeal) asks of every sealed output, for a seal made
 * by sealPdf: the input is a prefix, the byte range covers everything but the reserved /Contents
 * hex string, the signature is reachable, the file ends in a new revision, and qpdf --check finds
 * nothing the input did not have. Returns this output's qpdf verdict, the baseline for the next seal.
 */
export function expectSealStructure(before: Uint8Array, result: SealResult, beforeCheck: QpdfCheck): QpdfCheck {
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
