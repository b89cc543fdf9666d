/**
 * Test fixture: CRLs and OCSP responses from the test PKI with the openssl CLI
 * (`openssl ca -gencrl`, `openssl ca -revoke`, `openssl ocsp` with -index), all
 * offline. The test PKI's one index.txt serves every CA.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { TestCertificate, TestPki } from "@/test/support/pki-fixtures";

const run = promisify(execFile);
let counter = 0;

export async function makeCrl(pki: TestPki, issuer: TestCertificate): Promise<Uint8Array> {
  const pem = path.join(pki.dir, `crl-${process.pid}-${++counter}.pem`);
  await run("openssl", [
    "ca",
    "-gencrl",
    "-config",
    path.join(pki.dir, "ca.cnf"),
    "-cert",
    issuer.certPath,
    "-keyfile",
    issuer.keyPath,
    "-md",
    "sha256",
    "-crldays",
    "30",
    "-out",
    pem,
  ]);
  const { stdout } = await run("openssl", ["crl", "-in", pem, "-outform", "DER"], { encoding: "buffer" });
  return new Uint8Array(stdout);
}

export async function revoke(pki: TestPki, certificate: TestCertificate, issuer: TestCertificate): Promise<void> {
  await run("openssl", [
    "ca",
    "-config",
    path.join(pki.dir, "ca.cnf"),
    "-revoke",
    certificate.certPath,
    "-md",
    "sha256",
    "-cert",
    issuer.certPath,
    "-keyfile",
    issuer.keyPath,
  ]);
}

export async function makeOcspResponse(
  pki: TestPki,
  certificate: TestCertificate,
  issuer: TestCertificate,
): Promise<Uint8Array> {
  const id = `${process.pid}-${++counter}`;
  const request = path.join(pki.dir, `ocsp-${id}.req`);
  const response = path.join(pki.dir, `ocsp-${id}.resp`);
  await run("openssl", [
    "ocsp",
    "-issuer",
    issuer.certPath,
    "-cert",
    certificate.certPath,
    "-no_nonce",
    "-reqout",
    request,
  ]);
  await run("openssl", [
    "ocsp",
    "-index",
    path.join(pki.dir, "index.txt"),
    "-rsigner",
    issuer.certPath,
    "-rkey",
    issuer.keyPath,
    "-CA",
    issuer.certPath,
    "-reqin",
    request,
    "-respout",
    response,
    "-ndays",
    "1",
  ]);
  return new Uint8Array(await readFile(response));
}
