/**
 * Issues a signer certificate from the test PKI's intermediate CA for a public key
 * whose private half the test does not hold (a KMS key):
 * `openssl x509 -new -force_pubkey PUB.pem -CA … -CAkey …`, with the same profile
 * as pki-fixtures' leaves (digitalSignature + nonRepudiation, EKU emailProtection).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { TestPki } from "@/test/support/pki-fixtures";

const run = promisify(execFile);

export interface IssuedKmsCertificate {
  certPem: string;
  certDer: Uint8Array;
}

export async function issueCertificateForPublicKey(
  pki: TestPki,
  spki: Uint8Array,
  name: string,
): Promise<IssuedKmsCertificate> {
  const dir = await mkdtemp(path.join(pki.dir, "kms-cert-"));
  const pubPath = path.join(dir, "pub.pem");
  const extPath = path.join(dir, "ext.cnf");
  const certPath = path.join(dir, "cert.pem");
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END PUBLIC KEY-----\n`;
  await writeFile(pubPath, pem);
  await writeFile(
    extPath,
    [
      "[ ext ]",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid:always",
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature,nonRepudiation",
      "extendedKeyUsage = emailProtection",
      "",
    ].join("\n"),
  );
  await run("openssl", [
    "x509",
    "-new",
    "-force_pubkey",
    pubPath,
    "-subj",
    `/C=BE/O=Signet Test/CN=${name}`,
    "-CA",
    pki.intermediate.certPath,
    "-CAkey",
    pki.intermediate.keyPath,
    "-set_serial",
    `0x${randomBytes(8).toString("hex")}`,
    "-days",
    "365",
    "-sha256",
    "-extfile",
    extPath,
    "-extensions",
    "ext",
    "-out",
    certPath,
  ]);
  const certPem = await readFile(certPath, "utf8");
  const { stdout } = await run("openssl", ["x509", "-in", certPath, "-outform", "DER"], { encoding: "buffer" });
  return { certPem, certDer: new Uint8Array(stdout) };
}
