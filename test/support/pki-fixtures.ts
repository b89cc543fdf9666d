/**
 * A throw-away test PKI made with the openssl CLI in a temporary directory:
 * root CA → intermediate CA → leaves (RSA 2048/3072/4096, EC P-256/P-384) with
 * keyUsage digitalSignature+nonRepudiation and EKU emailProtection, and a TSA
 * certificate (critical timeStamping EKU) issued by the root. No OCSP/CRL URLs,
 * so nothing ever goes to the network. Leaves on demand.
 *
 * Within a vitest run, the root, intermediate and TSA are generated once, by the first test file that
 * asks, in the run's shared folder (vitest-global-setup.ts); every test process then works on its own
 * copy of that folder (openssl ca appends to its index and serial). Outside vitest: once per process.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { cp, mkdtemp, readFile, readdir, stat, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);

export type TestKeyType =
  "rsa2048" | "rsa3072" | "rsa4096" | "ec256" | "ec384" | "ec521" | "rsa1024" | "secp256k1" | "ed25519";

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
  return date
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** The CA certificates of a test PKI (in the shared base's pki.json: paths relative to its folder, no DER). */
type PkiBase = { root: TestCertificate; intermediate: TestCertificate; tsa: TestCertificate; counter: number };

/** The run's shared scratch folder (vitest-global-setup.ts), or undefined outside a vitest run. */
function sharedDir(): string | undefined {
  try {
    return inject("qpdfCacheDir");
  } catch {
    return undefined;
  }
}

async function createTestPki(): Promise<TestPki> {
  await removeStaleTestPkis();
  const dir = await mkdtemp(path.join(tmpdir(), "signet-test-pki-"));
  // vitest ends its workers with SIGTERM, which skips "exit": stale directories are also swept at the next start.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const shared = sharedDir();
  if (shared === undefined) return openTestPki(dir);
  const baseDir = path.join(shared, "pki-base");
  const base = await sharedPkiBase(baseDir);
  await cp(baseDir, dir, { recursive: true });
  // ca.cnf names its folder: point the copy's at the copy.
  const cnf = path.join(dir, "ca.cnf");
  await writeFile(cnf, (await readFile(cnf, "utf8")).replace(/^dir = .*$/m, `dir = ${dir}`));
  const inCopy = (cert: TestCertificate): TestCertificate => ({
    ...cert,
    certPath: path.join(dir, cert.certPath),
    keyPath: path.join(dir, cert.keyPath),
    certDer: new Uint8Array(Buffer.from(cert.certPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64")),
  });
  return openTestPki(dir, {
    root: inCopy(base.root),
    intermediate: inCopy(base.intermediate),
    tsa: inCopy(base.tsa),
    counter: base.counter,
  });
}

/** Made by the first process that asks (mkdir is the lock); pki.json, renamed into place last, marks it complete. */
async function sharedPkiBase(baseDir: string): Promise<PkiBase> {
  const done = path.join(baseDir, "pki.json");
  try {
    mkdirSync(baseDir);
  } catch {
    for (const deadline = Date.now() + 120_000; !existsSync(done); await sleep(50)) {
      if (Date.now() > deadline) throw new Error("test PKI: another test process did not finish making the shared CA");
    }
    return JSON.parse(readFileSync(done, "utf8")) as PkiBase;
  }
  const pki = await openTestPki(baseDir);
  const relative = (cert: TestCertificate): TestCertificate => ({
    ...cert,
    certPath: path.basename(cert.certPath),
    keyPath: path.basename(cert.keyPath),
    certDer: new Uint8Array(),
  });
  const base: PkiBase = {
    root: relative(pki.root),
    intermediate: relative(pki.intermediate),
    tsa: relative(pki.tsa),
    counter: 3,
  };
  await writeFile(`${done}.tmp`, JSON.stringify(base));
  renameSync(`${done}.tmp`, done);
  return base;
}

/** A test PKI in dir: made there, or (with base) the copy of a shared one. */
async function openTestPki(dir: string, base?: PkiBase): Promise<TestPki> {
  if (base === undefined) await initCaDir(dir);
  const issued = new Map<string, Promise<TestCertificate>>();
  const cas: { root?: TestCertificate; intermediate?: TestCertificate } = {
    root: base?.root,
    intermediate: base?.intermediate,
  };
  let counter = base?.counter ?? 0;

  async function issue(options: IssueOptions): Promise<TestCertificate> {
    const id = `${options.name}-${++counter}`;
    const keyPath = path.join(dir, `${id}.key.pem`);
    const csrPath = path.join(dir, `${id}.csr.pem`);
    const certPath = path.join(dir, `${id}.cert.pem`);
    const extPath = path.join(dir, `${id}.ext.cnf`);
    await run("openssl", ["genpkey", ...KEY_ARGS[options.key], "-out", keyPath]);
    const subject = options.subject ?? `/C=BE/O=Signet Test/CN=${options.name}`;
    await run("openssl", [
      "req",
      "-new",
      "-key",
      keyPath,
      "-subj",
      subject,
      "-out",
      csrPath,
      "-config",
      path.join(dir, "ca.cnf"),
    ]);

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
    args.push(
      "-md",
      options.digest ?? "sha256",
      "-startdate",
      opensslTime(notBefore),
      "-enddate",
      opensslTime(notAfter),
    );
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

  const { root, intermediate, tsa } = base ?? (await issueCas());
  async function issueCas(): Promise<Omit<PkiBase, "counter">> {
    const caUsage = {
      keyUsage: "critical,keyCertSign,cRLSign",
      extendedKeyUsage: null,
      basicConstraints: "critical,CA:TRUE",
    };
    const root = await issue({
      name: "Signet Test Root CA",
      key: "rsa2048",
      issuer: "self",
      ...caUsage,
      notAfter: new Date(Date.now() + 3650 * 24 * 3600_000),
    });
    cas.root = root;
    const intermediate = await issue({
      name: "Signet Test Intermediate CA",
      key: "rsa2048",
      issuer: "root",
      ...caUsage,
    });
    cas.intermediate = intermediate;
    const tsa = await issue({
      name: "Signet Test TSA",
      key: "rsa2048",
      issuer: "root",
      keyUsage: "critical,digitalSignature,nonRepudiation",
      extendedKeyUsage: "critical,timeStamping",
    });
    return { root, intermediate, tsa };
  }

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

/** The openssl ca database and configuration of a new test PKI folder. */
async function initCaDir(dir: string): Promise<void> {
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
  const out = path.join(
    pki.dir,
    `${cert.name.replace(/\W+/g, "_")}-${options.encryption ?? "aes"}-${++p12Counter}.p12`,
  );
  const args = [
    "pkcs12",
    "-export",
    "-inkey",
    cert.keyPath,
    "-in",
    cert.certPath,
    "-out",
    out,
    "-passout",
    "env:SIGNET_TEST_P12_PASSWORD",
  ];
  if (options.chain !== false) {
    const chainPath = path.join(pki.dir, "chain.pem");
    await writeFile(chainPath, pki.chainPem);
    args.push("-certfile", chainPath);
  }
  if (options.encryption === "3des")
    args.push("-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1");
  if (options.encryption === "rc2") args.push("-legacy");
  await run("openssl", args, { env: { ...process.env, SIGNET_TEST_P12_PASSWORD: options.password } });
  return new Uint8Array(await readFile(out));
}
