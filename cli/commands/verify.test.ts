import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSignet, runSignetInProcess } from "@/test/support/run-signet-cli";
import type { VerificationReport } from "@/lib/engine/verify";
import { appendInfoUpdate } from "@/test/support/pdf-fixtures/append-info-update";
import { tinyPdf } from "@/test/support/pdf-samples";
import { PDF_CORPUS_DIR, SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { getTestPki, type TestCertificate } from "@/test/support/pki-fixtures";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { sealPdf } from "@/lib/engine/seal/seal-pdf";
import { verifyCommand } from "@/cli/commands/verify";

const corpus = (file: string) => path.join(SIGNED_CORPUS_DIR, file);
const TRUST = ["--trust", corpus("test-root-ca.pem")];
let dir: string;
let forger: TestCertificate;
let forged: string;

/** `signet …` in-process (cli/main.ts on buffers); cli/signet.test.ts starts the real process once. */
const signet = (args: string[]) => runSignetInProcess(args);

/** The command in-process, with its output captured. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await verifyCommand.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-verify-"));
  // A forger's self-signed certificate, named like a public root: anyone can make one.
  const pki = await getTestPki();
  forger = await pki.issue({
    name: "forger",
    key: "ec256",
    issuer: "self",
    subject: "/C=US/O=DigiCert Inc/CN=DigiCert Global Root G2",
  });
  const sealed = await sealPdf(tinyPdf(), {
    backend: LocalKeyBackend.fromKeyFile(forger.keyPem),
    certificate: parseCertificate(forger.certDer),
  });
  forged = path.join(dir, "forged.pdf");
  fs.writeFileSync(forged, sealed.pdf);
  fs.writeFileSync(path.join(dir, "unsigned.pdf"), tinyPdf());
  fs.writeFileSync(
    path.join(dir, "updated.pdf"),
    appendInfoUpdate(fs.readFileSync(corpus("s01-pyhanko-pades-bb-rsa.pdf"))),
  );
  fs.writeFileSync(path.join(dir, "empty.pdf"), "");
  fs.writeFileSync(
    path.join(dir, "truncated.pdf"),
    fs.readFileSync(corpus("s01-pyhanko-pades-bb-rsa.pdf")).subarray(0, 20_000),
  );
  fs.writeFileSync(path.join(dir, "garbage.pdf"), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256)));
  fs.writeFileSync(path.join(dir, "not-a-cert.pem"), "hello");
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("signet verify (a real process)", () => {
  it("exit 0: a valid, trusted signature; the verdict comes first", async () => {
    const r = await signet(["verify", corpus("s01-pyhanko-pades-bb-rsa.pdf"), ...TRUST]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toMatch(
      /s01-pyhanko-pades-bb-rsa\.pdf: VALID: The signature is valid, and the signers are trusted\.$/,
    );
    expect(r.stdout).toMatch(
      /Signature 1 of 1, field "Seal1": VALID\n {2}The signature is valid and the signer is trusted\./,
    );
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

describe("signet verify: trust without --trust (a real process)", () => {
  it("a self-signed forger is INDETERMINATE against the operating system's trust store, exit 1", async () => {
    const r = await signet(["verify", forged]);
    expect(r.status, r.stderr).toBe(1);
    const [verdict, counts] = r.stdout.split("\n");
    expect(verdict).toMatch(
      /forged\.pdf: INDETERMINATE: Signature ".*": The signer's certificate is self-signed and not trusted\.$/,
    );
    expect(counts).toMatch(/; trusted roots: the operating system's trust store \(\/.+\), \d+ certificates$/);
  });

  it("the same file with --trust of the forger's own certificate is VALID, exit 0", async () => {
    const r = await signet(["verify", forged, "--trust", forger.certPath]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/: VALID: The signature is valid, and the signers are trusted\.$/);
  });

  it("--no-trust-check skips trust and says so in the text and the JSON (exit 0 when the signatures are intact)", async () => {
    const text = await signet(["verify", forged, "--no-trust-check"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(
      /: VALID: The signature is valid \(signers were not checked against trusted certificates\)\.$/,
    );
    expect(text.stdout.split("\n")[1]).toMatch(/; trust NOT checked \(--no-trust-check\): the signer may be anyone$/);
    const json = await signet(["verify", forged, "--no-trust-check", "--json"]);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as VerificationReport & { trustCheck: unknown };
    expect(report.trustCheck).toEqual({ mode: "skipped" });
    expect(report.signatures[0]?.chain.trust).toBe("not-checked");
    expect((await signet(["verify", forged, "--no-trust-check", ...TRUST])).status).toBe(2);
  });

  it("a chain to a root that is not in the system store is INDETERMINATE; the store is SSL_CERT_FILE when it is set", async () => {
    const untrusted = await signet(["verify", corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--json"]);
    expect(untrusted.status).toBe(1);
    const report = JSON.parse(untrusted.stdout) as VerificationReport & {
      trustCheck: { mode: string; source: string };
    };
    expect(report.summary.verdict).toBe("indeterminate");
    expect(report.trustCheck.mode).toBe("system");
    const bundle = path.join(dir, "bundle.pem");
    fs.writeFileSync(bundle, fs.readFileSync(corpus("test-root-ca.pem")));
    // A process of its own: the system store is read from the environment the operator starts signet in.
    const trusted = await runSignet(["verify", corpus("s01-pyhanko-pades-bb-rsa.pdf")], { SSL_CERT_FILE: bundle });
    expect(trusted.status, trusted.stdout).toBe(0);
    expect(trusted.stdout.split("\n")[1]).toContain(
      `trusted roots: the operating system's trust store (${bundle}), 1 certificate`,
    );
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
    ["s06-pyhanko-selfsigned.pdf", 1, []],
    ["s06-pyhanko-selfsigned.pdf", 0, ["--no-trust-check"]],
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
    expect(r.stdout.split("\n")[0]).toMatch(
      /INDETERMINATE: Signature "Seal1": The signer's certificate is self-signed and not trusted\.$/,
    );
  });

  it("exit 1: a PDF without any signature", async () => {
    const r = await run([path.join(dir, "unsigned.pdf"), "--no-trust-check"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INVALID: The document holds no signature\./);
  });

  it.each([
    [
      "a missing file",
      ["/nonexistent/file.pdf"],
      /^signet verify: cannot read \/nonexistent\/file\.pdf: no such file\n$/,
    ],
    ["a directory", [os.tmpdir()], /^signet verify: cannot read .*: it is a directory\n$/],
    [
      "a damaged PDF (truncated)",
      ["TRUNCATED"],
      /^signet verify: .*truncated\.pdf: This PDF is damaged: its structure cannot be read, so its signatures cannot be verified\.\n$/,
    ],
    [
      "an encrypted PDF",
      [path.join(PDF_CORPUS_DIR, "p12-qpdf-aes256-user-password.pdf")],
      /^signet verify: .*: This PDF is encrypted \(password protected\); encrypted PDFs cannot be verified\.\n$/,
    ],
    ["an empty file", ["EMPTY"], /^signet verify: .*empty\.pdf: This file is not a PDF document\.\n$/],
    [
      "a missing trust file",
      [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--trust", "/nonexistent/ca.pem"],
      /^signet verify: cannot read trust file \/nonexistent\/ca\.pem: no such file\n$/,
    ],
    [
      "a trust file without a certificate",
      [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--trust", "NOT_A_CERT"],
      /^signet verify: a --trust file: /,
    ],
    ["no file", [], /^signet verify: no PDF file given \(usage: /],
    [
      "an unknown option",
      [corpus("s01-pyhanko-pades-bb-rsa.pdf"), "--frobnicate"],
      /^signet verify: .*frobnicate.* \(usage: /,
    ],
  ])("exit 2: %s", async (_name, args, message) => {
    const r = await run(
      args.map((a) =>
        a === "NOT_A_CERT"
          ? path.join(dir, "not-a-cert.pem")
          : a === "EMPTY"
            ? path.join(dir, "empty.pdf")
            : a === "TRUNCATED"
              ? path.join(dir, "truncated.pdf")
              : a,
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("exit 2 with --json: the error as JSON on stdout too", async () => {
    const r = await run([path.join(dir, "empty.pdf"), "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "pdf.not_pdf", message: expect.stringContaining("This file is not a PDF document.") },
    });
  });
});
