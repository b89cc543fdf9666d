import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSignet } from "@/test/support/run-signet-cli";
import type { VerificationReport } from "@/lib/verify";
import { appendInfoUpdate } from "@/lib/verify/test-fixtures/append-info-update";
import { tinyPdf } from "@/test/support/pdf-samples";
import { PDF_CORPUS_DIR, SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { verifyCommand } from "./verify";

const corpus = (file: string) => path.join(SIGNED_CORPUS_DIR, file);
const TRUST = ["--trust", corpus("test-root-ca.pem")];
let dir: string;

const signet = (args: string[]) => runSignet(args);

/** The command in-process, with its output captured. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await verifyCommand.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-verify-"));
  fs.writeFileSync(path.join(dir, "unsigned.pdf"), tinyPdf());
  fs.writeFileSync(path.join(dir, "updated.pdf"), appendInfoUpdate(fs.readFileSync(corpus("s01-pyhanko-pades-bb-rsa.pdf"))));
  fs.writeFileSync(path.join(dir, "empty.pdf"), "");
  fs.writeFileSync(path.join(dir, "truncated.pdf"), fs.readFileSync(corpus("s01-pyhanko-pades-bb-rsa.pdf")).subarray(0, 20_000));
  fs.writeFileSync(path.join(dir, "garbage.pdf"), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256)));
  fs.writeFileSync(path.join(dir, "not-a-cert.pem"), "hello");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("signet verify (a real process)", () => {
  it("exit 0: a valid, trusted signature; the verdict comes first", async () => {
    const r = await signet(["verify", corpus("s01-pyhanko-pades-bb-rsa.pdf"), ...TRUST]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toMatch(/s01-pyhanko-pades-bb-rsa\.pdf: VALID: The signature is valid, and the signers are trusted\.$/);
    expect(r.stdout).toMatch(/Signature 1 of 1, field "Seal1": VALID\n {2}The signature is valid and the signer is trusted\./);
    expect(r.stdout).toMatch(/PAdES: +B-B/);
  });

  it("exit 1: bytes appended after the signature (t02)", async () => {
    const r = await signet(["verify", corpus("t02-tampered-appended-bytes.pdf"), ...TRUST]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^.*: INVALID: Signature "Seal1": The document was changed after it was sealed\./);
    expect(r.stdout).toMatch(/After it: +39 bytes were appended/);
  });

  it("exit 1 with --json: an unsigned incremental update; the JSON is the report", async () => {
    const r = await signet(["verify", path.join(dir, "updated.pdf"), ...TRUST, "--json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as VerificationReport;
    expect(report.summary).toMatchObject({ exitCode: 1, modifiedAfterLastSignature: true });
    expect(report.signatures[0]).toMatchObject({ verdict: "invalid", changesAfter: { status: "modified" } });
  });

  it("exit 2: a file that is not a PDF, with one line on stderr", async () => {
    const r = await signet(["verify", path.join(dir, "garbage.pdf")]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^signet verify: .*garbage\.pdf: This file is not a PDF document\.\n$/);
  });
});

describe("signet verify (in-process)", () => {
  const CORPUS: Array<[string, number, string[]]> = [
    ["s01-pyhanko-pades-bb-rsa.pdf", 0, TRUST],
    ["s02-pyhanko-pades-bb-ec.pdf", 0, TRUST],
    ["s03-pyhanko-two-signatures.pdf", 0, TRUST],
    ["s04-pyhanko-pades-bt-rsa.pdf", 0, TRUST],
    ["s05-signpdf-pkcs7-rsa.pdf", 0, TRUST],
    ["s06-pyhanko-selfsigned.pdf", 1, TRUST],
    ["s06-pyhanko-selfsigned.pdf", 0, []],
    ["t01-tampered-signed-byte.pdf", 1, TRUST],
    ["t02-tampered-appended-bytes.pdf", 1, TRUST],
    ["t03-tampered-signature-value.pdf", 1, TRUST],
  ];
  it.each(CORPUS)("%s → exit %i (%j)", async (file, exitCode, extra) => {
    const r = await run([corpus(file), ...extra]);
    expect(r.code, r.stderr + r.stdout).toBe(exitCode);
    expect(r.stderr).toBe("");
  });

  it("s03: one block per signature, the first only followed by a signature", async () => {
    const r = await run([corpus("s03-pyhanko-two-signatures.pdf"), ...TRUST]);
    expect(r.stdout).toMatch(/Signature 1 of 2, field "Seal1": VALID/);
    expect(r.stdout).toMatch(/Signature 2 of 2, field "Seal2": VALID/);
    expect(r.stdout).toMatch(/After it: +Only later signatures were added after this signature\./);
  });

  it("s06 with --trust: untrusted self-signed signer", async () => {
    const r = await run([corpus("s06-pyhanko-selfsigned.pdf"), ...TRUST]);
    expect(r.stdout.split("\n")[0]).toMatch(/INDETERMINATE: Signature "Seal1": The signer's certificate is self-signed and not trusted\.$/);
  });

  it("exit 1: a PDF without any signature", async () => {
    const r = await run([path.join(dir, "unsigned.pdf")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INVALID: The document holds no signature\./);
  });

  it.each([
    ["a missing file", ["/nonexistent/file.pdf"], /^signet verify: cannot read \/nonexistent\/file\.pdf: no such file\n$/],
    ["a directory", [os.tmpdir()], /^signet verify: cannot read .*: it is a directory\n$/],
    ["a damaged PDF (truncated)", ["TRUNCATED"], /^signet verify: .*truncated\.pdf: This PDF is damaged: its structure cannot be read, so its signatures cannot be verified\.\n$/],
    ["an encrypted PDF", [path.join(PDF_CORPUS_DIR, "p12-qpdf-aes256-user-password.pdf")], /^signet verify: .*: This PDF is encrypted \(password protected\); encrypted PDFs cannot be verified\.\n$/],
    ["an empty file", ["EMPTY"], /^signet verify: .*empty\.pdf: This file is not a PDF document\.\n$/],
    ["a missing trust file", [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--trust", "/nonexistent/ca.pem"], /^signet verify: cannot read trust file \/nonexistent\/ca\.pem: no such file\n$/],
    ["a trust file without a certificate", [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--trust", "NOT_A_CERT"], /^signet verify: a --trust file: /],
    ["no file", [], /^signet verify: no PDF file given \(usage: /],
    ["an unknown option", [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--frobnicate"], /^signet verify: .*frobnicate.* \(usage: /],
  ])("exit 2: %s", async (_name, args, message) => {
    const r = await run(args.map((a) => (a === "NOT_A_CERT" ? path.join(dir, "not-a-cert.pem") : a === "EMPTY" ? path.join(dir, "empty.pdf") : a === "TRUNCATED" ? path.join(dir, "truncated.pdf") : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("exit 2 with --json: the error as JSON on stdout too", async () => {
    const r = await run([path.join(dir, "empty.pdf"), "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: "pdf.not_pdf", message: expect.stringContaining("This file is not a PDF document.") } });
  });
});
