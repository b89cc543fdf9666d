/**
 * A throw-away test PKI made with the openssl CLI in a temporary directory:
 * root CA → intermediate CA → leaves (RSA 2048/3072/4096, EC P-256/P-384) with
 * keyUsage digitalSignature+nonRepudiation and EKU emailProtection, and a TSA
 * certificate (critical timeStamping EKU) issued by the root. No OCSP/CRL URLs,
 * so nothing ever goes to the network. Generated once per process, leaves on demand.
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, readdir, stat, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type TestKeyType = "rsa2048" | "rsa3072" | "rsa4096" | "ec256" | "ec384" | "ec521" | "rsa1024" | "secp256k1" | "ed25519";

export interface TestCertificate {
  name: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
}

export interface IssueOptions {
  name: string;
  key: TestKeyType;
  /** "self" makes a self-signed certificate. Default: intermediate. */
  issuer?: "root" | "intermediate" | "self" | TestCertificate;
  subject?: string;
  /** openssl keyUsage value, or null to leave the extension out. */
  keyUsage?: string | null;
  extendedKeyUsage?: string | null;
  basicConstraints?: string;
  /** Signature digest of the issuing CA. */
  digest?: "sha256" | "sha384" | "sha512" | "sha1";
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestPki {
  dir: string;
  root: TestCertificate;
  intermediate: TestCertificate;
  tsa: TestCertificate;
  /** Standard signer leaf of a key type (cached). */
  leaf(key: TestKeyType): Promise<TestCertificate>;
  /** A certificate made to measure. */
  issue(options: IssueOptions): Promise<TestCertificate>;
  /** PEM of intermediate + root. */
  chainPem: string;
  cleanup(): Promise<void>;
}

let pkiPromise: Promise<TestPki> | undefined;

export function getTestPki(): Promise<TestPki> {
  pkiPromise ??= createTestPki();
  return pkiPromise;
}

const KEY_ARGS: Record<TestKeyType, string[]> = {
  rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
  rsa2048: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  rsa3072: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
  rsa4096: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
  ec256: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  ec384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  ec521: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
  secp256k1: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
  ed25519: ["-algorithm", "ED25519"],
};

function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

async function createTestPki(): Promise<TestPki> {
  await removeStaleTestPkis();
  const dir = await mkdtemp(path.join(tmpdir(), "signet-test-pki-"));
  // vitest ends its workers with SIGTERM, which skips "exit": stale directories are also swept at the next start.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, "index.txt"), "");
  await writeFile(path.join(dir, "index.txt.attr"), "unique_subject = no\n");
  await writeFile(path.join(dir, "serial"), "1000\n");
  await writeFile(
    path.join(dir, "ca.cnf"),
    [
      "[ ca ]",
      "default_ca = test_ca",
      "[ test_ca ]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "serial = $dir/serial",
      "new_certs_dir = $dir",
      "policy = policy_any",
      "unique_subject = no",
      "preserve = yes",
      "email_in_dn = no",
      "copy_extensions = none",
      "[ policy_any ]",
      "commonName = supplied",
      "organizationName = optional",
      "countryName = optional",
      "[ req ]",
      "distinguished_name = dn",
      "prompt = no",
      "[ dn ]",
      "CN = placeholder",
      "",
    ].join("\n"),
  );

  const issued = new Map<string, Promise<TestCertificate>>();
  const cas: { root?: TestCertificate; intermediate?: TestCertificate } = {};
  let counter = 0;

  async function issue(options: IssueOptions): Promise<TestCertificate> {
    const id = `${options.name}-${++counter}`;
    const keyPath = path.join(dir, `${id}.key.pem`);
    const csrPath = path.join(dir, `${id}.csr.pem`);
    const certPath = path.join(dir, `${id}.cert.pem`);
    const extPath = path.join(dir, `${id}.ext.cnf`);
    await run("openssl", ["genpkey", ...KEY_ARGS[options.key], "-out", keyPath]);
    const subject = options.subject ?? `/C=BE/O=Signet Test/CN=${options.name}`;
    await run("openssl", ["req", "-new", "-key", keyPath, "-subj", subject, "-out", csrPath, "-config", path.join(dir, "ca.cnf")]);

    const ext = ["[ ext ]", "subjectKeyIdentifier = hash"];
    const issuer = options.issuer ?? "intermediate";
    if (issuer !== "self") ext.push("authorityKeyIdentifier = keyid:always");
    ext.push(`basicConstraints = ${options.basicConstraints ?? "critical,CA:FALSE"}`);
    const keyUsage = options.keyUsage === undefined ? "critical,digitalSignature,nonRepudiation" : options.keyUsage;
    if (keyUsage !== null) ext.push(`keyUsage = ${keyUsage}`);
    const eku = options.extendedKeyUsage === undefined ? "emailProtection" : options.extendedKeyUsage;
    if (eku !== null) ext.push(`extendedKeyUsage = ${eku}`);
    await writeFile(extPath, ext.join("\n") + "\n");

    const notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600_000);
    const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000);
    const args = ["ca", "-batch", "-notext", "-config", path.join(dir, "ca.cnf"), "-in", csrPath, "-out", certPath];
    args.push("-md", options.digest ?? "sha256", "-startdate", opensslTime(notBefore), "-enddate", opensslTime(notAfter));
    args.push("-extfile", extPath, "-extensions", "ext");
    if (issuer === "self") {
      args.push("-selfsign", "-keyfile", keyPath);
    } else {
      const ca = issuer === "root" ? cas.root : issuer === "intermediate" ? cas.intermediate : issuer;
      if (!ca) throw new Error(`test PKI: issuer ${String(issuer)} does not exist yet`);
      args.push("-cert", ca.certPath, "-keyfile", ca.keyPath);
    }
    await run("openssl", args);
    const certPem = await readFile(certPath, "utf8");
    const keyPem = await readFile(keyPath, "utf8");
    const { stdout } = await run("openssl", ["x509", "-in", certPath, "-outform", "DER"], { encoding: "buffer" });
    return { name: options.name, certPath, keyPath, certPem, keyPem, certDer: new Uint8Array(stdout) };
  }

  const caUsage = { keyUsage: "critical,keyCertSign,cRLSign", extendedKeyUsage: null, basicConstraints: "critical,CA:TRUE" };
  const root = await issue({ name: "Signet Test Root CA", key: "rsa2048", issuer: "self", ...caUsage, notAfter: new Date(Date.now() + 3650 * 24 * 3600_000) });
  cas.root = root;
  const intermediate = await issue({ name: "Signet Test Intermediate CA", key: "rsa2048", issuer: "root", ...caUsage });
  cas.intermediate = intermediate;
  const tsa = await issue({
    name: "Signet Test TSA",
    key: "rsa2048",
    issuer: "root",
    keyUsage: "critical,digitalSignature,nonRepudiation",
    extendedKeyUsage: "critical,timeStamping",
  });

  return {
    dir,
    root,
    intermediate,
    tsa,
    chainPem: intermediate.certPem + root.certPem,
    issue,
    leaf(key) {
      let promise = issued.get(key);
      if (!promise) {
        promise = issue({ name: `Signet Test Signer ${key}`, key });
        issued.set(key, promise);
      }
      return promise;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Removes test PKI directories left by earlier runs (older than an hour). */
async function removeStaleTestPkis(): Promise<void> {
  const cutoff = Date.now() - 3600_000;
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    if (!name.startsWith("signet-test-pki-")) continue;
    const full = path.join(tmpdir(), name);
    const info = await stat(full).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(full, { recursive: true, force: true }).catch(() => undefined);
  }
}

let p12Counter = 0;

/** Writes a PKCS#12 for a test certificate with `openssl pkcs12 -export`. */
export async function exportPkcs12(
  pki: TestPki,
  cert: TestCertificate,
  /** aes: OpenSSL 3 default (PBES2/AES-256, SHA-256 MAC); 3des: PBE-SHA1-3DES, SHA-1 MAC; rc2: `-legacy` (RC2-40 certs, 3DES key). */
  options: { password: string; encryption?: "aes" | "3des" | "rc2"; chain?: boolean },
): Promise<Uint8Array> {
  const out = path.join(pki.dir, `${cert.name.replace(/\W+/g, "_")}-${options.encryption ?? "aes"}-${++p12Counter}.p12`);
  const args = ["pkcs12", "-export", "-inkey", cert.keyPath, "-in", cert.certPath, "-out", out, "-passout", "env:SIGNET_TEST_P12_PASSWORD"];
  if (options.chain !== false) {
    const chainPath = path.join(pki.dir, "chain.pem");
    await writeFile(chainPath, pki.chainPem);
    args.push("-certfile", chainPath);
  }
  if (options.encryption === "3des") args.push("-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1");
  if (options.encryption === "rc2") args.push("-legacy");
  await run("openssl", args, { env: { ...process.env, SIGNET_TEST_P12_PASSWORD: options.password } });
  return new Uint8Array(await readFile(out));
}
