import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runSignetInProcess, runSignetInProcessBinary } from "@/test/support/run-signet-cli";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { PDF_CORPUS_DIR } from "@/test/support/shared-dir";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { solidPng } from "@/test/support/pdf-png";
import { parsePlacement } from "@/cli/commands/seal";
import { imagePdf } from "@/test/support/image-pdf";

let pki: TestPki;
let dir: string;
let tsa: TestTsa;

/** `signet …` in-process (cli/main.ts on buffers); cli/signet.test.ts starts the real process once. */
const signet = runSignetInProcess;

beforeAll(async () => {
  pki = await getTestPki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-seal-"));
  tsa = await startTestTsa(pki, "ok");
}, 120_000);
afterAll(async () => {
  await tsa?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("signet seal", () => {
  it("seals visibly with a key, a chain, an image and a timestamp", async () => {
    const leaf = await pki.leaf("rsa2048");
    const image = path.join(dir, "seal.png");
    fs.writeFileSync(image, solidPng(64, 64, [200, 30, 30]));
    const chain = path.join(dir, "chain.pem");
    fs.writeFileSync(chain, pki.chainPem);
    const out = path.join(dir, "sealed.pdf");
    const input = path.join(PDF_CORPUS_DIR, "p13-qpdf-rotate90-page1.pdf");
    const result = await signet([
      "seal",
      input,
      "-o",
      out,
      "--key",
      leaf.keyPath,
      "--cert",
      leaf.certPath,
      "--chain",
      chain,
      "--tsa",
      tsa.url,
      "--visible",
      "page=1,x=40,y=40,w=220,h=90",
      "--image",
      image,
      "--name",
      "Ada Lovelace, P.Eng.",
      "--licence",
      "PEO 100123",
      "--jurisdiction",
      "Ontario",
      "--reason",
      "Issued for construction",
      "--location",
      "Toronto",
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^sealed .* → .*sealed\.pdf \(field Signet-Seal-1, certificate [0-9a-f]{16}…, timestamp /,
    );
    const sealed = fs.readFileSync(out);
    expect(sealed.subarray(0, fs.statSync(input).size).equals(fs.readFileSync(input))).toBe(true);
    const [signature] = readSignatures(sealed);
    expect(signature?.subFilter).toBe("ETSI.CAdES.detached");
  });

  it("seals with a PKCS#12 file whose password comes from the environment", async () => {
    const p12 = path.join(dir, "signer.p12");
    const leaf = await pki.leaf("ec256");
    const made = spawnSync(
      "openssl",
      [
        "pkcs12",
        "-export",
        "-inkey",
        leaf.keyPath,
        "-in",
        leaf.certPath,
        "-certfile",
        pki.intermediate.certPath,
        "-out",
        p12,
        "-passout",
        "pass:p12 secret",
      ],
      { encoding: "utf8" },
    );
    expect(made.status, made.stderr).toBe(0);
    const out = path.join(dir, "p12.pdf");
    const result = await signet(
      [
        "seal",
        path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf"),
        "-o",
        out,
        "--p12",
        p12,
        "--password-env",
        "SEAL_PASSWORD",
      ],
      { SEAL_PASSWORD: "p12 secret" },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(fs.existsSync(out)).toBe(true);
  });

  it("a refused seal exits 1 with one clear line and leaves no output file", async () => {
    const leaf = await pki.leaf("rsa2048");
    for (const [name, pattern] of [
      ["p12-qpdf-aes256-user-password.pdf", /password|encrypt/i],
      ["p22-not-pdf-png.pdf", /not a PDF/i],
      ["p24-deep-nested-arrays.pdf", /./],
    ] as const) {
      const out = path.join(dir, `refused-${name}`);
      const result = await signet([
        "seal",
        path.join(PDF_CORPUS_DIR, name),
        "-o",
        out,
        "--key",
        leaf.keyPath,
        "--cert",
        leaf.certPath,
      ]);
      expect(result.status, name).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^signet seal: /);
      expect(lines[0]).toMatch(pattern);
      expect(fs.existsSync(out), name).toBe(false);
      expect(fs.readdirSync(dir).filter((f) => f.includes(".partial"))).toEqual([]);
    }
  });

  it("a wrong PKCS#12 password and a mismatched certificate are refused the same way", async () => {
    const p12 = path.join(dir, "signer.p12");
    const wrong = await signet(
      [
        "seal",
        path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf"),
        "-o",
        path.join(dir, "wrong.pdf"),
        "--p12",
        p12,
        "--password-env",
        "SEAL_PASSWORD",
      ],
      { SEAL_PASSWORD: "not it" },
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/password/i);
    expect(wrong.stderr).not.toContain("not it");
    const rsa = await pki.leaf("rsa2048");
    const ec = await pki.leaf("ec256");
    const mismatch = await signet([
      "seal",
      path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf"),
      "-o",
      path.join(dir, "mismatch.pdf"),
      "--key",
      rsa.keyPath,
      "--cert",
      ec.certPath,
    ]);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toMatch(/does not belong to the certificate/);
    expect(fs.existsSync(path.join(dir, "wrong.pdf")) || fs.existsSync(path.join(dir, "mismatch.pdf"))).toBe(false);
  });

  it("a file read in several pieces (hashed and copied as it is read) seals to the bytes standard input gives", async () => {
    const input = path.join(dir, "large.pdf");
    fs.writeFileSync(input, await largePdf());
    expect(fs.statSync(input).size).toBeGreaterThan(8 * 1024 * 1024); // more than two of the reader's pieces
    const leaf = await pki.leaf("rsa2048");
    const chain = path.join(dir, "chain.pem");
    fs.writeFileSync(chain, pki.chainPem);
    const key = ["--key", leaf.keyPath, "--cert", leaf.certPath, "--chain", chain];
    const out = path.join(dir, "large-sealed.pdf");
    // One signing time for both seals; RSA PKCS#1 v1.5 signs it the same way each time.
    vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / 1000) * 1000 });
    try {
      const fromFile = await signet(["seal", input, "-o", out, ...key]);
      expect(fromFile.status, fromFile.stderr).toBe(0);
      const fromStdin = await runSignetInProcessBinary(["seal", "-", "-o", "-", ...key], {
        input: fs.readFileSync(input),
      });
      expect(fromStdin.status, fromStdin.stderr).toBe(0);
      expect(fs.readFileSync(out).equals(fromStdin.stdout)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    const verified = await signet(["verify", out, "--trust", pki.root.certPath]);
    expect(verified.stdout).toMatch(/: VALID: /);
  });

  it("a seal that fails after the input was read and copied leaves no output, and an existing one untouched", async () => {
    const large = await largePdf();
    // The last startxref damaged: the file is read (and copied to the temporary file) in full before it is refused.
    const tail = Buffer.from(large).lastIndexOf("startxref");
    const damaged = Buffer.concat([large.subarray(0, tail), Buffer.from("startxrf 0\n%%EOF\n")]);
    const input = path.join(dir, "large-damaged.pdf");
    fs.writeFileSync(input, damaged);
    const out = path.join(dir, "kept.pdf");
    fs.writeFileSync(out, "the previous output");
    const leaf = await pki.leaf("ec256");
    const result = await signet(["seal", input, "-o", out, "--key", leaf.keyPath, "--cert", leaf.certPath]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^signet seal: This PDF is damaged/);
    expect(fs.readFileSync(out, "utf8")).toBe("the previous output");
    expect(fs.readdirSync(dir).filter((f) => f.includes(".partial"))).toEqual([]);
    const nowhere = await signet([
      "seal",
      path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf"),
      "-o",
      path.join(dir, "no-such-folder", "out.pdf"),
      "--key",
      leaf.keyPath,
      "--cert",
      leaf.certPath,
    ]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/^signet seal: cannot write .*no-such-folder.*ENOENT\n$/);
  });

  it("usage errors exit 2", async () => {
    expect((await signet(["seal"])).status).toBe(2);
    expect((await signet(["seal", "in.pdf", "-o", "out.pdf"])).stderr).toMatch(
      /give one of --key, --p12, --kms-key-id or --pkcs11-module/,
    );
    expect((await signet(["nonsense"])).status).toBe(2);
  });

  it("parses placements", () => {
    expect(parsePlacement("page=2,x=10,y=20.5,w=100,h=50")).toEqual({
      page: 2,
      rect: { x: 10, y: 20.5, width: 100, height: 50 },
    });
    expect(() => parsePlacement("page=0,x=1,y=1,w=1,h=1")).toThrow(/page/);
    expect(() => parsePlacement("page=1,x=1,y=1,w=1")).toThrow(/"h"/);
  });
});

/** A three-page PDF of about 9 MB: an uncompressed random RGB image on each page (as bench/bench.ts makes them). */
const largePdf = (): Promise<Uint8Array> => imagePdf({ pages: 3, imageBytes: 3_000_000, title: "Large" });
