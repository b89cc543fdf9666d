import { describe, expect, it } from "vitest";
import { isSignetError } from "@/lib/engine/errors";
import { corpusFiles, readCorpusFile, type CorpusFile } from "@/test/support/pdf-corpus";
import { qpdfCheck, type QpdfCheck } from "@/test/support/pdf-tools";
import { analyseChangesAfter } from "@/lib/engine/pdf/change-analysis";
import { embedSignature } from "@/lib/engine/pdf/embed-signature";
import { NotAPdfError, PdfDamagedError, PdfEncryptedError } from "@/lib/engine/pdf/pdf-errors";
import { listFormFields } from "@/lib/engine/pdf/form-fields";
import { PdfDict, PdfRef } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { prepareSignature, type PreparedSignature, type SignatureRequest } from "@/lib/engine/pdf/prepare-signature";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { listRevisions } from "@/lib/engine/pdf/revisions";

const files = corpusFiles();
const sealOk = files.filter((f) => f.expected === "seal-ok");
const SIGNING_TIME = new Date("2026-11-22T14:03:27Z");

function visibleRequest(): SignatureRequest {
  return {
    signingTime: SIGNING_TIME,
    contentsBytes: 8192,
    reason: "Sealed for the record — ünïcode",
    location: "Amsterdam",
    name: "ACME Notaries",
    appearance: {
      page: 1,
      rect: { x: 36, y: 36, width: 200, height: 72 },
      stamp: {
        signerName: "Jane Doe",
        organisation: "ACME Notaries B.V.",
        licence: "NL-12345",
        jurisdiction: "Netherlands",
        sealedAt: SIGNING_TIME,
        fingerprint: "AB12 CD34 EF56 7890",
      },
    },
  };
}

/** A dummy DER: a SEQUENCE header followed by zeros, as big as asked. */
function dummyDer(size: number): Uint8Array {
  const der = new Uint8Array(size);
  der[0] = 0x30;
  der[1] = 0x82;
  der[2] = (size - 4) >> 8;
  der[3] = (size - 4) & 0xff;
  return der;
}

function fieldNames(bytes: Uint8Array): string[] {
  return listFormFields(PdfFile.open(bytes)).map((f) => f.fullName);
}

/** Everything a sealed output must satisfy, whatever the input. */
function expectValidSeal(original: Uint8Array, prepared: PreparedSignature, originalCheck: QpdfCheck): QpdfCheck {
  const out = prepared.bytes;
  expect(out.length).toBeGreaterThan(original.length);
  expect(Buffer.compare(out.subarray(0, original.length), original)).toBe(0);
  const [a, b, c, d] = prepared.byteRange;
  expect(a).toBe(0);
  expect(b).toBe(prepared.contentsOffset);
  expect(out[b]).toBe(0x3c);
  expect(out[c - 1]).toBe(0x3e);
  expect(c - b).toBe(prepared.contentsCapacity * 2 + 2);
  expect(c + d).toBe(out.length);
  expect(Buffer.from(out.subarray(out.length - 6)).toString("latin1")).toBe("%%EOF\n");

  const check = qpdfCheck(out);
  const newProblems = check.problems.filter((p) => !originalCheck.problems.includes(p));
  expect(newProblems).toEqual([]);
  expect(check.status === 0 || check.status === originalCheck.status).toBe(true);

  const signatures = readSignatures(out);
  const mine = signatures.find((s) => s.fieldName === prepared.fieldName);
  expect(mine, "new signature reachable from /AcroForm").toBeDefined();
  expect(mine?.byteRange).toEqual(prepared.byteRange);
  expect(mine?.contentsSpan).toEqual({ start: b, end: c });
  expect(mine?.subFilter).toBe("ETSI.CAdES.detached");

  const revisions = listRevisions(out);
  expect(revisions[revisions.length - 1]?.end).toBe(out.length);
  expect(revisions.some((r) => r.end === original.length || r.end === original.length + 1)).toBe(true);
  return check;
}

describe("sealing every seal-ok corpus file", () => {
  it.each(sealOk.map((f) => [f.id, f] as [string, CorpusFile]))(
    "%s: visible seal, then an invisible one",
    async (_id, file) => {
      const original = readCorpusFile(file);
      const originalCheck = qpdfCheck(original);
      const fieldsBefore = fieldNames(original);
      const signaturesBefore = readSignatures(original);

      const first = await prepareSignature(original, visibleRequest());
      embedSignature(first, dummyDer(3000));
      const firstCheck = expectValidSeal(original, first, originalCheck);
      expect(fieldNames(first.bytes)).toEqual([...fieldsBefore, first.fieldName]);

      const second = await prepareSignature(first.bytes, {
        signingTime: new Date(SIGNING_TIME.getTime() + 60_000),
        contentsBytes: 4096,
      });
      embedSignature(second, dummyDer(2000));
      expectValidSeal(first.bytes, second, firstCheck);

      const names = fieldNames(second.bytes);
      expect(names).toEqual([...fieldsBefore, first.fieldName, second.fieldName]);
      expect(first.fieldName).not.toBe(second.fieldName);
      for (const mine of [first.fieldName, second.fieldName]) expect(names.filter((n) => n === mine)).toHaveLength(1);
      const signatures = readSignatures(second.bytes);
      expect(signatures.map((s) => s.fieldName)).toEqual([
        ...signaturesBefore.map((s) => s.fieldName),
        first.fieldName,
        second.fieldName,
      ]);

      // What came after the first seal is only the second seal.
      const afterFirst = analyseChangesAfter(second.bytes, first.bytes.length);
      expect(afterFirst.offsetIsRevisionEnd).toBe(true);
      expect(afterFirst.revisions).toHaveLength(1);
      expect(afterFirst.onlySignatureUpdates, JSON.stringify(afterFirst.revisions)).toBe(true);
    },
  );

  it("keeps existing AcroForms, form fields and signatures (p19, more/p03, more/p16)", async () => {
    for (const [id, fieldCount] of [
      ["p19-doc-podofo-sample-scribus-acroform.pdf", 0],
      ["more/p03-libreoffice-form.pdf", 9],
      ["more/p16-pdfsig-signed.pdf", 1],
    ] as const) {
      const file = files.find((f) => f.id === id) as CorpusFile;
      const original = readCorpusFile(file);
      const before = fieldNames(original);
      expect(before, id).toHaveLength(fieldCount);
      const snapshot = PdfFile.open(original);
      const entryBefore = snapshot.catalog().dict.get("AcroForm");
      const prepared = await prepareSignature(original, { signingTime: SIGNING_TIME, contentsBytes: 2048 });
      expect(fieldNames(prepared.bytes)).toEqual([...before, prepared.fieldName]);
      const updated = PdfFile.open(prepared.bytes);
      const entryAfter = updated.catalog().dict.get("AcroForm");
      // The AcroForm stays where it was (same indirect object, or direct in the catalog) and keeps its other keys.
      if (entryBefore instanceof PdfRef) expect((entryAfter as PdfRef).num, id).toBe(entryBefore.num);
      else expect(entryAfter, id).toBeInstanceOf(PdfDict);
      const oldKeys = [...(snapshot.resolveDict(entryBefore)?.entries.keys() ?? [])];
      const newKeys = [...(updated.resolveDict(entryAfter)?.entries.keys() ?? [])];
      expect(oldKeys.length, id).toBeGreaterThan(0);
      expect(newKeys).toEqual(expect.arrayContaining([...oldKeys, "SigFlags"]));
      expect(updated.resolve(updated.resolveDict(entryAfter)?.get("SigFlags"))).toBe(3);
    }
    const signed = readCorpusFile(files.find((f) => f.id === "more/p16-pdfsig-signed.pdf") as CorpusFile);
    const prepared = await prepareSignature(signed, { signingTime: SIGNING_TIME, contentsBytes: 2048 });
    const [old] = readSignatures(prepared.bytes);
    expect(old?.subFilter).toBe("adbe.pkcs7.detached");
    // The old signature still covers exactly the original revision.
    const range = old?.byteRange as number[];
    expect((range[2] as number) + (range[3] as number)).toBe(signed.length);
    expect(analyseChangesAfter(prepared.bytes, signed.length).onlySignatureUpdates).toBe(true);
  });
});

describe("refusing what must be refused", () => {
  const expectedError: Record<string, new (...args: never[]) => Error> = {
    "reject-encrypted": PdfEncryptedError,
    "reject-damaged": PdfDamagedError,
    "reject-not-pdf": NotAPdfError,
  };
  const rejects = files.filter((f) => f.expected.startsWith("reject-"));
  it.each(rejects.map((f) => [f.id, f] as [string, CorpusFile]))(
    "%s is refused with its typed error",
    async (_id, file) => {
      const bytes = readCorpusFile(file);
      const errorClass = expectedError[file.expected] as new (...args: never[]) => Error;
      await expect(prepareSignature(bytes, visibleRequest())).rejects.toBeInstanceOf(errorClass);
      expect(() => readSignatures(bytes)).toThrow(errorClass);
    },
  );

  // The two flate bombs are sealed once, with real signatures, in lib/engine/seal/seal-pdf.bombs.slow.test.ts
  // ("the compression bombs"), which makes every check below on them (and the full standard):
  // qpdf --check inflates their 1 GiB streams, about 15 s a run.
  const repairOrReject = files.filter((f) => f.expected === "repair-or-reject" && !/flate-bomb/.test(f.id));
  it.each(repairOrReject.map((f) => [f.id, f] as [string, CorpusFile]))(
    "%s is refused with a typed error or sealed validly",
    async (_id, file) => {
      const original = readCorpusFile(file);
      let prepared: PreparedSignature;
      try {
        prepared = await prepareSignature(original, visibleRequest());
      } catch (error) {
        expect(isSignetError(error), String(error)).toBe(true);
        return;
      }
      embedSignature(prepared, dummyDer(3000));
      const firstCheck = expectValidSeal(original, prepared, qpdfCheck(original));
      const second = await prepareSignature(prepared.bytes, { signingTime: SIGNING_TIME, contentsBytes: 2048 });
      expectValidSeal(prepared.bytes, second, firstCheck);
    },
  );

  it("refuses encrypted files, owner-password-only ones included, with a message about the password", async () => {
    for (const id of [
      "p11-qpdf-aes256-owner-only.pdf",
      "more/p10-qpdf-owner-aes256.pdf",
      "p12-qpdf-aes256-user-password.pdf",
    ]) {
      const bytes = readCorpusFile(files.find((f) => f.id === id) as CorpusFile);
      const error = await prepareSignature(bytes, visibleRequest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfEncryptedError);
      expect((error as PdfEncryptedError).code).toBe("pdf.encrypted");
      expect((error as PdfEncryptedError).message).toMatch(/password protection/);
    }
  });
});

describe("compression bombs", () => {
  const bombs = files.filter((f) => /flate-bomb/.test(f.id));

  it("finds both bomb files in the corpus", () => {
    expect(bombs).toHaveLength(2);
  });

  it.each(bombs.map((f) => [f.id, f] as [string, CorpusFile]))(
    "%s seals without inflating its page content",
    async (_id, file) => {
      const bytes = readCorpusFile(file);
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      // 1 MiB of inflation allowed in total: the 1 GiB content stream can never be inflated.
      const prepared = await prepareSignature(bytes, visibleRequest(), { maxDecompressedBytes: 1024 * 1024 });
      const rssDelta = process.memoryUsage().rss - rssBefore;
      expect(rssDelta).toBeLessThan(200 * 1024 * 1024);
      expect(Buffer.compare(prepared.bytes.subarray(0, bytes.length), bytes)).toBe(0);
      expect(readSignatures(prepared.bytes).map((s) => s.fieldName)).toEqual([prepared.fieldName]);
    },
  );
});
