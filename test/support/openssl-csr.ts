/** Independent checks of CSRs with the openssl CLI, and issuing certificates from them with the test PKI's CA. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { TestPki } from "@/test/support/pki-fixtures";

const run = promisify(execFile);

export interface OpensslOutcome {
  ok: boolean;
  output: string;
}

async function openssl(args: string[]): Promise<OpensslOutcome> {
  try {
    const { stdout, stderr } = await run("openssl", args);
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

async function scratch(pki: TestPki, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(path.join(pki.dir, "csr-"));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

/** `openssl req -verify -noout -text` (UTF-8 names) on a PEM CSR. */
export async function opensslReqVerifyText(pki: TestPki, csrPem: string): Promise<OpensslOutcome> {
  const dir = await scratch(pki, { "csr.pem": csrPem });
  return openssl([
    "req",
    "-verify",
    "-noout",
    "-text",
    "-nameopt",
    "utf8,sep_comma_plus",
    "-in",
    path.join(dir, "csr.pem"),
  ]);
}

/** `openssl req -pubkey`: the public key openssl reads from the CSR, as PEM. */
export async function opensslReqPublicKey(pki: TestPki, csrPem: string): Promise<string> {
  const dir = await scratch(pki, { "csr.pem": csrPem });
  return (await openssl(["req", "-noout", "-pubkey", "-in", path.join(dir, "csr.pem")])).output;
}

/**
 * The intermediate CA issues a certificate from the CSR with `openssl x509 -req`,
 * copying the requested extensions (as a CA that honours the request would).
 */
export async function issueFromCsr(pki: TestPki, csrPem: string): Promise<{ certPem: string; certDer: Uint8Array }> {
  const dir = await scratch(pki, {
    "csr.pem": csrPem,
    "ext.cnf":
      "[ ext ]\nbasicConstraints = critical,CA:FALSE\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n",
  });
  const certPath = path.join(dir, "cert.pem");
  const result = await openssl([
    "x509",
    "-req",
    "-in",
    path.join(dir, "csr.pem"),
    "-CA",
    pki.intermediate.certPath,
    "-CAkey",
    pki.intermediate.keyPath,
    "-CAcreateserial",
    "-copy_extensions",
    "copy",
    "-extfile",
    path.join(dir, "ext.cnf"),
    "-extensions",
    "ext",
    "-days",
    "30",
    "-sha256",
    "-out",
    certPath,
  ]);
  if (!result.ok) throw new Error(`openssl x509 -req failed: ${result.output}`);
  const certPem = await readFile(certPath, "utf8");
  const { stdout } = await run("openssl", ["x509", "-in", certPath, "-outform", "DER"], { encoding: "buffer" });
  return { certPem, certDer: new Uint8Array(stdout) };
}

/** `openssl x509 -noout -text` of a PEM certificate. */
export async function opensslCertificateText(pki: TestPki, certPem: string): Promise<string> {
  const dir = await scratch(pki, { "cert.pem": certPem });
  return (
    await openssl(["x509", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus", "-in", path.join(dir, "cert.pem")])
  ).output;
}

/** A PKCS#7 certs-only bundle of PEM certificates, with `openssl crl2pkcs7 -nocrl`. */
export async function opensslP7b(pki: TestPki, certsPem: string, outform: "DER" | "PEM"): Promise<Uint8Array> {
  const dir = await scratch(pki, { "certs.pem": certsPem });
  const { stdout } = await run(
    "openssl",
    ["crl2pkcs7", "-nocrl", "-certfile", path.join(dir, "certs.pem"), "-outform", outform],
    { encoding: "buffer" },
  );
  return new Uint8Array(stdout);
}

/** A PKCS#12 with chosen algorithms (`openssl pkcs12 -export …extra`), for what exportPkcs12 does not cover. */
export async function opensslPkcs12(
  pki: TestPki,
  cert: { keyPath: string; certPath: string },
  password: string,
  extra: string[],
): Promise<Uint8Array> {
  const dir = await scratch(pki, {});
  const out = path.join(dir, "file.p12");
  const result = await openssl([
    "pkcs12",
    "-export",
    "-inkey",
    cert.keyPath,
    "-in",
    cert.certPath,
    "-out",
    out,
    "-passout",
    `pass:${password}`,
    ...extra,
  ]);
  if (!result.ok) throw new Error(`openssl pkcs12 -export failed: ${result.output}`);
  return new Uint8Array(await readFile(out));
}
