/**
 * `signet seal` with a key that never leaves AWS KMS (the test endpoint, which checks SigV4;
 * the real @aws-sdk/client-kms in the CLI process) or a PKCS#11 token (SoftHSM2), RSA and EC.
 * Each sealed file is judged by pdfsig (poppler/NSS), qpdf --check and openssl cms -verify.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePkcs11Key } from "@/lib/engine/keys/pkcs11/generate-pkcs11-key";
import { issueCertificateForPublicKey } from "@/test/support/kms-certificate";
import { startTestKms, type TestKmsKeySpec, type TestKmsServer } from "@/test/support/kms-server";
import { qpdfCheck } from "@/test/support/pdf-tools";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { opensslCmsVerify } from "@/test/support/pki-openssl";
import { signaturesOfPdf } from "@/test/support/pki-signed-pdf";
import { runSignet, runSignetInProcess } from "@/test/support/run-signet-cli";
import { PDF_CORPUS_DIR } from "@/test/support/shared-dir";
import {
  disposeSoftHsm,
  getSoftHsm,
  softHsmAvailability,
  type SoftHsm,
  type SoftHsmToken,
} from "@/test/support/softhsm-token";

const INPUT = path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf");
let pki: TestPki;
let nss: NssDb;
let dir: string;
let chain: string;

beforeAll(async () => {
  pki = await getTestPki();
  nss = await createNssDb([{ name: "signet test root", pem: pki.root.certPem }], pki.dir);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-seal-backends-"));
  chain = path.join(dir, "chain.pem");
  fs.writeFileSync(chain, pki.chainPem);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function certificateFor(spki: Uint8Array, name: string): Promise<string> {
  const file = path.join(dir, `${name.replace(/\W+/g, "-")}.pem`);
  fs.writeFileSync(file, (await issueCertificateForPublicKey(pki, spki, name)).certPem);
  return file;
}

/** pdfsig, qpdf and openssl each accept the sealed file, and the input is a prefix of it. */
async function expectIndependentlyValid(out: string): Promise<void> {
  const sealed = new Uint8Array(fs.readFileSync(out));
  expect(Buffer.from(sealed.subarray(0, fs.statSync(INPUT).size)).equals(fs.readFileSync(INPUT))).toBe(true);
  const checked = await pdfsig(nss, out);
  expect(checked.output).toContain("Signature Validation: Signature is Valid.");
  expect(checked.output).toContain("Certificate Validation: Certificate is Trusted.");
  const qpdf = qpdfCheck(sealed);
  expect(qpdf.problems).toEqual([]);
  expect(qpdf.status).toBe(0);
  const [signature] = signaturesOfPdf(sealed);
  const [a, b, c, d] = signature!.byteRange;
  const content = Buffer.concat([sealed.subarray(a, a + b), sealed.subarray(c, c + d)]);
  const cms = await opensslCmsVerify(signature!.cms, content, pki.root.certPem);
  expect(cms.output).toContain("Verification successful");
}

describe("signet seal --kms-key-id (AWS KMS)", () => {
  let kms: TestKmsServer;
  let env: Record<string, string>;
  // In-process (cli/main.ts on buffers), the credentials set in the environment for each call: the
  // AWS SDK reads them when the command makes its client. The PKCS#11 cases below stay spawned.
  beforeAll(async () => {
    kms = await startTestKms();
    env = {
      AWS_ACCESS_KEY_ID: kms.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: kms.credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/nonexistent",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    };
  });
  afterAll(async () => kms?.stop());

  const CASES: [TestKmsKeySpec, "arn" | "id"][] = [
    ["RSA_2048", "arn"],
    ["ECC_NIST_P256", "id"],
    ["ECC_NIST_P384", "arn"],
  ];
  for (const [spec, naming] of CASES) {
    it(`${spec}, key named by ${naming === "arn" ? "ARN" : "id and --kms-region"}: pdfsig, qpdf and openssl accept the sealed file`, async () => {
      const key = kms.createKey(spec);
      const cert = await certificateFor(key.spki, `Signet KMS CLI ${spec}`);
      const out = path.join(dir, `kms-${spec}.pdf`);
      const keyArgs =
        naming === "arn" ? ["--kms-key-id", key.arn] : ["--kms-key-id", key.keyId, "--kms-region", kms.region];
      const before = kms.requests.length;
      const result = await runSignetInProcess(
        ["seal", INPUT, "-o", out, ...keyArgs, "--kms-endpoint", kms.endpoint, "--cert", cert, "--chain", chain],
        env,
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^sealed .* → .*\(field Signet-Seal-1, certificate [0-9a-f]{16}…\)\n$/);
      const signs = kms.requests.slice(before).filter((r) => r.operation === "Sign");
      expect(signs).toHaveLength(1);
      expect(signs[0]).toMatchObject({
        accessKeyId: kms.credentials.accessKeyId,
        body: { KeyId: key.arn, MessageType: "DIGEST" },
      });
      await expectIndependentlyValid(out);
    });
  }

  it("a certificate that is not the KMS key's: a clear error, no Sign call, nothing written", async () => {
    const key = kms.createKey("RSA_2048");
    const other = await pki.leaf("rsa2048");
    const out = path.join(dir, "kms-mismatch.pdf");
    const before = kms.requests.length;
    const result = await runSignetInProcess(
      ["seal", INPUT, "-o", out, "--kms-key-id", key.arn, "--kms-endpoint", kms.endpoint, "--cert", other.certPath],
      env,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^signet seal: .*AWS KMS key .* does not belong to the certificate .*\n$/);
    expect(kms.requests.slice(before).filter((r) => r.operation === "Sign")).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it.each(["access_denied", "sign_denied"] as const)(
    "AccessDenied (%s): one clear line, exit 1, nothing written",
    async (mode) => {
      const key = kms.createKey("ECC_NIST_P256");
      const cert = await certificateFor(key.spki, `Signet KMS CLI ${mode}`);
      kms.setMode(key, mode);
      const out = path.join(dir, `kms-${mode}.pdf`);
      const result = await runSignetInProcess(
        ["seal", INPUT, "-o", out, "--kms-key-id", key.arn, "--kms-endpoint", kms.endpoint, "--cert", cert],
        env,
      );
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^signet seal: .*access was denied for kms:${mode === "sign_denied" ? "Sign" : "DescribeKey"}`),
      );
      expect(result.stderr).not.toContain(kms.credentials.secretAccessKey);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(dir).filter((f) => f.includes(".partial"))).toEqual([]);
    },
  );

  it("usage: --kms-key-id needs --cert, and one key source only", async () => {
    const needsCert = await runSignetInProcess(
      ["seal", INPUT, "-o", path.join(dir, "x.pdf"), "--kms-key-id", "arn:aws:kms:eu-west-1:111122223333:key/x"],
      env,
    );
    expect(needsCert.status).toBe(2);
    expect(needsCert.stderr).toMatch(/--kms-key-id needs --cert/);
    const two = await runSignetInProcess(
      ["seal", INPUT, "-o", path.join(dir, "x.pdf"), "--kms-key-id", "k", "--key", "k.pem", "--cert", "c.pem"],
      env,
    );
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/give one of --key, --p12, --kms-key-id or --pkcs11-module/);
  });
});

const softhsm = softHsmAvailability();

describe.skipIf(!softhsm.available)("signet seal --pkcs11-module (SoftHSM2)", () => {
  let hsm: SoftHsm;
  let token: SoftHsmToken;
  beforeAll(async () => {
    hsm = getSoftHsm();
    token = await hsm.initToken("cli-seal");
  });
  afterAll(() => disposeSoftHsm());
  // Spawned: SoftHSM reads SOFTHSM2_CONF when the PKCS#11 module is initialised, once per process.

  const pkcs11Args = (label: string) => [
    "--pkcs11-module",
    hsm.modulePath,
    "--pkcs11-token",
    token.label,
    "--pkcs11-key",
    label,
    "--pin-env",
    "SIGNET_TEST_PIN",
  ];

  for (const [name, algorithm] of [
    ["RSA 2048", { kind: "RSA", modulusBits: 2048 }],
    ["EC P-256", { kind: "EC", curve: "P-256" }],
  ] as const) {
    it(`${name}: pdfsig, qpdf and openssl accept the sealed file`, async () => {
      const label = `cli ${name}`;
      const key = await generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label,
        algorithm,
      });
      const cert = await certificateFor(key.publicKey, `Signet PKCS11 CLI ${name}`);
      const out = path.join(dir, `pkcs11-${name.replace(/\W+/g, "-")}.pdf`);
      const result = await runSignet(
        ["seal", INPUT, "-o", out, ...pkcs11Args(label), "--cert", cert, "--chain", chain],
        { SIGNET_TEST_PIN: token.userPin, SOFTHSM2_CONF: hsm.confPath },
      );
      expect(result.status, result.stderr).toBe(0);
      await expectIndependentlyValid(out);
    });
  }

  it("a wrong PIN, an unset PIN variable and a certificate of another key: clear errors, nothing written, the PIN never shown", async () => {
    const label = "cli refusals";
    const key = await generatePkcs11Key({
      modulePath: hsm.modulePath,
      tokenLabel: token.label,
      pin: token.userPin,
      label,
      algorithm: { kind: "EC", curve: "P-256" },
    });
    const cert = await certificateFor(key.publicKey, "Signet PKCS11 CLI refusals");
    const out = path.join(dir, "pkcs11-refused.pdf");
    const wrongPin = await runSignet(["seal", INPUT, "-o", out, ...pkcs11Args(label), "--cert", cert], {
      SIGNET_TEST_PIN: "not-the-pin-42",
      SOFTHSM2_CONF: hsm.confPath,
    });
    expect(wrongPin.status).toBe(1);
    expect(wrongPin.stderr).toMatch(/^signet seal: .*PIN/);
    expect(wrongPin.stderr).not.toContain("not-the-pin-42");
    const unset = await runSignet(["seal", INPUT, "-o", out, ...pkcs11Args(label), "--cert", cert], {
      SOFTHSM2_CONF: hsm.confPath,
    });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toMatch(/SIGNET_TEST_PIN \(--pin-env\) is not set/);
    const other = await pki.leaf("ec256");
    const mismatch = await runSignet(["seal", INPUT, "-o", out, ...pkcs11Args(label), "--cert", other.certPath], {
      SIGNET_TEST_PIN: token.userPin,
      SOFTHSM2_CONF: hsm.confPath,
    });
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toMatch(/PKCS#11 key .* does not belong to the certificate/);
    expect(mismatch.stderr).not.toContain(token.userPin);
    expect(fs.existsSync(out)).toBe(false);
  });
});
