import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { digestByteRange } from "@/lib/engine/pdf/byte-range-digest";
import { embedSignature } from "@/lib/engine/pdf/embed-signature";
import { prepareSignature } from "@/lib/engine/pdf/prepare-signature";

/**
 * Not the seal layer's PAdES CMS: openssl makes a plain detached CMS, enough to show
 * that the byte range is right and that earlier signatures stay valid (pdfsig).
 */
const dir = mkdtempSync(path.join(tmpdir(), "signet-roundtrip-"));
const key = path.join(dir, "key.pem");
const cert = path.join(dir, "cert.pem");
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "2",
    "-subj",
    "/CN=Signet PDF layer test",
  ],
  { stdio: "ignore" },
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cmsSign(covered: Uint8Array): Uint8Array {
  const input = path.join(dir, "covered.bin");
  const output = path.join(dir, "sig.der");
  writeFileSync(input, covered);
  execFileSync("openssl", [
    "cms",
    "-sign",
    "-binary",
    "-in",
    input,
    "-signer",
    cert,
    "-inkey",
    key,
    "-outform",
    "DER",
    "-out",
    output,
    "-nosmimecap",
    "-md",
    "sha256",
  ]);
  return readFileSync(output);
}

/** pdfsig exits non-zero for a file without signatures; its report is what matters. */
function pdfsig(file: string): string {
  try {
    return execFileSync("pdfsig", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    return String((error as { stdout?: unknown }).stdout ?? "");
  }
}

describe("signatures over the prepared byte range verify in pdfsig", () => {
  const ids = [
    "more/p16-pdfsig-signed.pdf",
    "p09-qpdf-object-streams.pdf",
    "p10-qpdf-linearized.pdf",
    "p16-hybrid-xrefstm.pdf",
    "more/p17-hybrid-xref.pdf",
  ];
  it.each(ids)("%s: earlier signatures stay valid after two more", async (id) => {
    const file = corpusFiles().find((f) => f.id === id);
    let bytes = readCorpusFile(file as NonNullable<typeof file>);
    const pdfPath = path.join(dir, "signed.pdf");
    writeFileSync(pdfPath, bytes);
    const before = (pdfsig(pdfPath).match(/Signature is Valid/g) ?? []).length;
    for (const visible of [true, false]) {
      const prepared = await prepareSignature(bytes, {
        signingTime: new Date(),
        contentsBytes: 8192,
        appearance: visible
          ? {
              page: 1,
              rect: { x: 40, y: 40, width: 200, height: 70 },
              stamp: { signerName: "Test", sealedAt: new Date(), fingerprint: "AB12" },
            }
          : undefined,
      });
      const [, b, c, d] = prepared.byteRange;
      const covered = Buffer.concat([prepared.bytes.subarray(0, b), prepared.bytes.subarray(c, c + d)]);
      expect(Buffer.from(digestByteRange(prepared.bytes, prepared.byteRange))).toEqual(
        Buffer.from(execFileSync("openssl", ["dgst", "-sha256", "-binary"], { input: covered })),
      );
      bytes = embedSignature(prepared, cmsSign(covered));
    }
    writeFileSync(pdfPath, bytes);
    const report = pdfsig(pdfPath);
    expect((report.match(/Signature is Valid/g) ?? []).length).toBe(before + 2);
    expect(report).not.toMatch(/Digest Mismatch|Signature is Invalid/);
    expect((report.match(/Total document signed/g) ?? []).length).toBe(1);
  });
});
