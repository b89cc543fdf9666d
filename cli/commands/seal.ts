import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { isSignetError, SignetError } from "@/lib/engine/errors";
import type { KeyBackend } from "@/lib/engine/keys";
import type { HashAlgorithm } from "@/lib/engine/crypto";
import { LocalKeyBackend } from "@/lib/engine/keys/local";
import { loadPkcs12 } from "@/lib/engine/keys/local";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki";
import { sealPdf, startOriginalDigest, type PrefixDigest } from "@/lib/engine/seal";
import { HttpTimestamper } from "@/lib/engine/tsa";
import { checkCertificateProfile } from "@/lib/engine/pki";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";
import { OutputFile, readInput } from "@/cli/commands/seal-files";

const SYNOPSIS = `usage: signet seal IN.pdf -o OUT.pdf (--key KEY.pem | --p12 FILE.p12 | --kms-key-id ID | --pkcs11-module LIB.so …) --cert CERT.pem [options]
Run "signet seal --help" for every option and the certificate requirements.
`;

const HELP = `usage: signet seal IN.pdf -o OUT.pdf (--key KEY.pem | --p12 FILE.p12) [--password-env VAR] --cert CERT.pem [options]
       signet seal IN.pdf -o OUT.pdf --kms-key-id ID [--kms-region R] [--kms-endpoint URL] --cert CERT.pem [options]
       signet seal IN.pdf -o OUT.pdf --pkcs11-module LIB.so --pkcs11-token LABEL --pkcs11-key LABEL --pin-env VAR --cert CERT.pem [options]

Seals IN.pdf with a PAdES baseline signature (ETSI.CAdES.detached; B-B, or B-T with --tsa),
appended as one incremental update: the input is a byte-for-byte prefix of the output.

Input and output:
  IN.pdf                    the PDF to seal; "-" reads it from standard input
  -o, --out OUT.pdf         where to write the sealed PDF; "-" writes it to standard output (the
                            summary line then goes to standard error). Written whole or not at all.
  --output OUT.pdf          the same as --out

The key, exactly one of:
  --key KEY.pem             a private key file (PEM or DER; PKCS#8, PKCS#1 or SEC 1)
  --p12 FILE.p12            a PKCS#12 file with the key, the certificate and its chain
  --password-env VAR        the environment variable holding the password of --key or --p12
  --kms-key-id ID           an AWS KMS signing key: its ARN, or a key id or alias/NAME with
                            --kms-region. Credentials come from the AWS SDK's usual chain
                            (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance
                            or container role). The key never leaves KMS.
  --kms-region REGION       the KMS key's region, when --kms-key-id is not an ARN
  --kms-endpoint URL        another KMS endpoint (a VPC endpoint, a test server)
  --pkcs11-module LIB.so    a PKCS#11 token (HSM, smart card, SoftHSM): the absolute path of its library
  --pkcs11-token LABEL      the token's label
  --pkcs11-key LABEL        the private key's label (CKA_LABEL) on the token
  --pin-env VAR             the environment variable holding the token's user PIN (never put a
                            PIN or password on the command line)

The certificate:
  --cert CERT.pem           the signer's certificate, PEM or DER (more certificates in the file
                            count as its chain). Needed with --key, --kms-key-id and
                            --pkcs11-module; with --p12 it replaces the file's certificate.
                            It must be the key's: another key's certificate is refused before
                            anything is signed.
  --chain CHAIN.pem         the intermediate CA certificates (the root may be added) to embed, so
                            that validators can build the path to a root they trust
  --allow-self-signed       accept a self-signed signer certificate (for testing: no validator trusts it)

Certificate requirements, checked before signing (what PDF validators ask of a document signer):
  - key usage present, with digitalSignature and nonRepudiation (contentCommitment);
  - extended key usage absent, or including emailProtection (documentSigning may be added):
    NSS-based readers (poppler, Firefox) reject a signer without it;
  - an RSA key of at least 2048 bits, or an ECDSA key on P-256, P-384 or P-521;
  - valid now, and no certificate of it or its chain signed with SHA-1 or MD5;
  - issued by a CA, not self-signed (unless --allow-self-signed); validators know only roots,
    so give every intermediate CA certificate with --chain (or after it in the --cert file).

Appearance and details:
  --tsa URL                 an RFC 3161 timestamp authority: the seal becomes PAdES B-T
  --visible SPEC            a visible stamp, SPEC = page=N,x=X,y=Y,w=W,h=H: page from 1, the
                            rectangle in points from the bottom left of the page as displayed
                            (rotation and offset page boxes are handled); without it the seal is invisible
  --image SEAL.png          a PNG or JPEG image shown in the stamp
  --name TEXT               the signer's name: the signature's /Name and the stamp
  --organisation TEXT       the organisation, shown in the stamp
  --licence TEXT            a professional licence number, shown in the stamp
  --jurisdiction TEXT       the licence's jurisdiction, shown in the stamp
  --reason TEXT             the reason for sealing (/Reason)
  --location TEXT           where it was sealed (/Location)
  --hash ALGORITHM          sha256, sha384 or sha512 (default sha256; an AWS KMS EC key: its curve's hash)
  -h, --help                this help

Exit codes: 0 sealed; 1 refused (the file is not a PDF, or damaged, encrypted or too complex; the
certificate or the key cannot be used; KMS or the token said no), with one line on standard
error and nothing written; 2 the command line is wrong.
`;

/** Every option of the command; the help describes each (cli/signet.test.ts checks it). */
export const SEAL_OPTIONS = {
  out: { type: "string", short: "o" },
  output: { type: "string" },
  key: { type: "string" },
  p12: { type: "string" },
  "password-env": { type: "string" },
  "kms-key-id": { type: "string" },
  "kms-region": { type: "string" },
  "kms-endpoint": { type: "string" },
  "pkcs11-module": { type: "string" },
  "pkcs11-token": { type: "string" },
  "pkcs11-key": { type: "string" },
  "pin-env": { type: "string" },
  cert: { type: "string" },
  chain: { type: "string" },
  "allow-self-signed": { type: "boolean" },
  tsa: { type: "string" },
  visible: { type: "string" },
  image: { type: "string" },
  name: { type: "string" },
  organisation: { type: "string" },
  licence: { type: "string" },
  jurisdiction: { type: "string" },
  reason: { type: "string" },
  location: { type: "string" },
  hash: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const STDIO = "-";

class UsageError extends Error {}

export const sealCommand: Command = {
  name: "seal",
  summary: "seal a PDF with a PAdES signature (incremental update)",
  async run(args: string[], io: CommandIo): Promise<number> {
    let outputFile: OutputFile | undefined;
    let backend: KeyBackend | undefined;
    try {
      if (wantsHelp(args)) {
        io.stdout(HELP);
        return 0;
      }
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: SEAL_OPTIONS });
      const input = positionals[0];
      if (input === undefined || positionals.length > 1) throw new UsageError("give exactly one input PDF");
      if (values.out !== undefined && values.output !== undefined)
        throw new UsageError("give --out or --output, not both");
      const output = values.out ?? values.output;
      if (output === undefined)
        throw new UsageError("give the output file with -o OUT.pdf (or -o - for standard output)");
      const requestedHash = parseHash(values.hash);
      const source = keySource(values);
      const signer = await openSigner(source, values.cert, values.chain);
      backend = signer.backend;
      const { certificate, chain } = signer;
      checkSignerProfile(certificate, chain, values["allow-self-signed"] === true);
      const hash = requestedHash ?? defaultHash(signer.supportedHashes);
      const fromStdin = input === STDIO;
      if (output !== STDIO) outputFile = await OutputFile.create(output);
      // A file is read once: hashed for the seal and written to the output as it is read.
      let pdf: Uint8Array;
      let mode: number | undefined;
      let originalDigest: PrefixDigest | undefined;
      if (fromStdin) {
        pdf = await readStdin(io);
        outputFile?.write(pdf, 0);
      } else {
        originalDigest = startOriginalDigest(hash);
        ({ bytes: pdf, mode } = await readInput(input, { digest: originalDigest, output: outputFile }));
      }
      const result = await sealPdf(pdf, {
        backend,
        certificate,
        chain,
        hash,
        originalDigest,
        timestamper: values.tsa === undefined ? undefined : new HttpTimestamper({ url: values.tsa }),
        placement: values.visible === undefined ? undefined : parsePlacement(values.visible),
        signer: {
          name: values.name,
          organisation: values.organisation,
          licence: values.licence,
          jurisdiction: values.jurisdiction,
          image: values.image === undefined ? undefined : readImage(values.image),
        },
        reason: values.reason,
        location: values.location,
      });
      const summary = `(field ${result.fieldName}, certificate ${result.certificateFingerprint.slice(0, 16)}…${result.timestamp ? `, timestamp ${result.timestamp.genTime.toISOString()}` : ""})`;
      const inputName = fromStdin ? "standard input" : input;
      if (outputFile === undefined) {
        if (io.writeStdout === undefined) throw new UsageError("standard output cannot take a PDF here");
        await io.writeStdout(pdf);
        await io.writeStdout(result.update);
        io.stderr(`sealed ${inputName} → standard output ${summary}\n`);
        return 0;
      }
      outputFile.write(result.update, pdf.length);
      await outputFile.commit(mode);
      outputFile = undefined;
      io.stdout(`sealed ${inputName} → ${output} ${summary}\n`);
      return 0;
    } catch (error) {
      await outputFile?.discard();
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
        io.stderr(`signet seal: ${(error as Error).message}\n${SYNOPSIS}`);
        return 2;
      }
      io.stderr(
        `signet seal: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`,
      );
      return 1;
    } finally {
      await backend?.close?.().catch(() => undefined);
    }
  },
};

async function readStdin(io: CommandIo): Promise<Uint8Array> {
  if (io.readStdin === undefined) throw new UsageError("standard input cannot be read here");
  return io.readStdin();
}

/** The enrolment profile (lib/pki/profile), less the key match, which lib/cms checks against the backend itself. */
function checkSignerProfile(certificate: Certificate, chain: readonly Certificate[], allowSelfSigned: boolean): void {
  const { failures } = checkCertificateProfile({ certificate, chain, allowSelfSigned });
  if (failures.length === 0) return;
  const reasons = failures.map((failure) =>
    failure.code === "certificate.self_signed"
      ? "The certificate is self-signed; for testing, seal with --allow-self-signed."
      : failure.message,
  );
  throw new SignetError(
    "cli.certificate_profile",
    `the certificate does not meet the signer profile: ${reasons.join(" ")}`,
  );
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new SignetError(
      "cli.input",
      `cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function readSecretEnv(variable: string, option: string): string {
  const value = process.env[variable];
  if (value === undefined) throw new UsageError(`the environment variable ${variable} (${option}) is not set`);
  return value;
}

type SealValues = {
  key?: string;
  p12?: string;
  "password-env"?: string;
  "kms-key-id"?: string;
  "kms-region"?: string;
  "kms-endpoint"?: string;
  "pkcs11-module"?: string;
  "pkcs11-token"?: string;
  "pkcs11-key"?: string;
  "pin-env"?: string;
};

/** Where the private key is: exactly one of four places, each with only its own options. */
type KeySource =
  | { kind: "key"; file: string; passwordEnv?: string }
  | { kind: "p12"; file: string; passwordEnv?: string }
  | { kind: "kms"; keyId: string; region?: string; endpoint?: string }
  | { kind: "pkcs11"; modulePath: string; tokenLabel: string; keyLabel: string; pinEnv: string };

function keySource(values: SealValues): KeySource {
  const given = (["key", "p12", "kms-key-id", "pkcs11-module"] as const).filter(
    (option) => values[option] !== undefined,
  );
  if (given.length !== 1) throw new UsageError("give one of --key, --p12, --kms-key-id or --pkcs11-module");
  const only = (owner: string, options: readonly (keyof SealValues)[]) => {
    for (const option of options)
      if (values[option] !== undefined) throw new UsageError(`--${option} goes with ${owner}`);
  };
  const kmsOptions = ["kms-region", "kms-endpoint"] as const;
  const pkcs11Options = ["pkcs11-token", "pkcs11-key", "pin-env"] as const;
  if (values.key !== undefined || values.p12 !== undefined) {
    only("--kms-key-id", kmsOptions);
    only("--pkcs11-module", pkcs11Options);
    return values.key !== undefined
      ? { kind: "key", file: values.key, passwordEnv: values["password-env"] }
      : { kind: "p12", file: values.p12 as string, passwordEnv: values["password-env"] };
  }
  only("--key or --p12", ["password-env"]);
  if (values["kms-key-id"] !== undefined) {
    only("--pkcs11-module", pkcs11Options);
    const endpoint = values["kms-endpoint"];
    if (endpoint !== undefined && !URL.canParse(endpoint))
      throw new UsageError(`--kms-endpoint "${endpoint}" is not a URL`);
    return { kind: "kms", keyId: values["kms-key-id"], region: values["kms-region"], endpoint };
  }
  only("--kms-key-id", kmsOptions);
  for (const option of pkcs11Options)
    if (values[option] === undefined) throw new UsageError(`--pkcs11-module needs --${option}`);
  return {
    kind: "pkcs11",
    modulePath: values["pkcs11-module"] as string,
    tokenLabel: values["pkcs11-token"] as string,
    keyLabel: values["pkcs11-key"] as string,
    pinEnv: values["pin-env"] as string,
  };
}

async function openSigner(
  source: KeySource,
  cert: string | undefined,
  chainFile: string | undefined,
): Promise<{
  backend: KeyBackend;
  certificate: Certificate;
  chain: Certificate[];
  /** What the key can sign with, when it cannot sign every hash (an AWS KMS EC key). */
  supportedHashes?: readonly HashAlgorithm[];
}> {
  const extraChain = chainFile === undefined ? [] : parseCertificates(readFile(chainFile, "certificate chain"));
  if (source.kind === "p12") {
    const password = source.passwordEnv === undefined ? "" : readSecretEnv(source.passwordEnv, "--password-env");
    const contents = loadPkcs12(readFile(source.file, "PKCS#12 file"), password, {
      description: `PKCS#12 file ${path.basename(source.file)}`,
    });
    const certificate = cert === undefined ? parseCertificate(contents.certificate) : firstCertificate(cert);
    return { backend: contents.backend, certificate, chain: [...contents.chain.map(parseCertificate), ...extraChain] };
  }
  // The certificate is read first: a usage mistake costs no KMS call and no token login.
  const option = source.kind === "key" ? "--key" : source.kind === "kms" ? "--kms-key-id" : "--pkcs11-module";
  if (cert === undefined) throw new UsageError(`${option} needs --cert CERT.pem`);
  const [certificate, ...rest] = parseCertificates(readFile(cert, "certificate"));
  if (certificate === undefined) throw new UsageError(`${cert} holds no certificate`);
  const chain = [...rest, ...extraChain];
  // The backend checks nothing against the certificate; lib/cms refuses a key that is not the certificate's before anything is signed.
  if (source.kind === "key") {
    const passphrase =
      source.passwordEnv === undefined ? undefined : readSecretEnv(source.passwordEnv, "--password-env");
    return {
      backend: LocalKeyBackend.fromKeyFile(readFile(source.file, "key file"), {
        passphrase,
        description: `key file ${path.basename(source.file)}`,
      }),
      certificate,
      chain,
    };
  }
  if (source.kind === "kms") {
    // Credentials: the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, an instance or container role).
    // The SDK's multi-line notice about future Node versions would bury the one line a refused seal prints (set the variable to "false" to see it).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    // Loaded only here: the AWS SDK would add tens of milliseconds to every other seal's start.
    const { AwsKmsKeyBackend } = await import("@/lib/engine/keys/aws-kms");
    const kms = await AwsKmsKeyBackend.connect({
      keyId: source.keyId,
      region: source.region,
      endpoint: source.endpoint,
    });
    return { backend: kms, certificate, chain, supportedHashes: kms.supportedHashes() };
  }
  const pin = readSecretEnv(source.pinEnv, "--pin-env");
  const { Pkcs11KeyBackend } = await import("@/lib/engine/keys/pkcs11");
  return {
    backend: await Pkcs11KeyBackend.open({
      modulePath: source.modulePath,
      tokenLabel: source.tokenLabel,
      keyLabel: source.keyLabel,
      pin,
    }),
    certificate,
    chain,
  };
}

/** A KMS ECC key signs with its curve's hash only (P-384: SHA-384); anything else defaults to SHA-256. */
function defaultHash(supported: readonly HashAlgorithm[] | undefined): HashAlgorithm {
  return supported === undefined || supported.includes("SHA-256") ? "SHA-256" : (supported[0] as HashAlgorithm);
}

function firstCertificate(file: string): Certificate {
  const [certificate] = parseCertificates(readFile(file, "certificate"));
  if (certificate === undefined) throw new UsageError(`${file} holds no certificate`);
  return certificate;
}

function parseHash(value: string | undefined): HashAlgorithm | undefined {
  const hashes: Record<string, HashAlgorithm> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
  if (value === undefined) return undefined;
  const hash = hashes[value.toLowerCase().replace("-", "")];
  if (hash === undefined) throw new UsageError(`--hash must be sha256, sha384 or sha512`);
  return hash;
}

/** "page=1,x=400,y=40,w=160,h=70" */
export function parsePlacement(spec: string): {
  page: number;
  rect: { x: number; y: number; width: number; height: number };
} {
  const fields = new Map(
    spec.split(",").map((part) => part.split("=", 2).map((s) => s.trim()) as [string, string | undefined]),
  );
  const number = (key: string): number => {
    const raw = fields.get(key);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(value))
      throw new UsageError(`--visible needs page=N,x=X,y=Y,w=W,h=H (missing or bad "${key}")`);
    return value;
  };
  const page = number("page");
  if (!Number.isInteger(page) || page < 1) throw new UsageError("--visible page must be a page number from 1");
  return { page, rect: { x: number("x"), y: number("y"), width: number("w"), height: number("h") } };
}

function readImage(file: string): { bytes: Uint8Array; type: "png" | "jpeg" } {
  const bytes = readFile(file, "seal image");
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return { bytes, type: "png" };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { bytes, type: "jpeg" };
  throw new UsageError(`${file} is neither a PNG nor a JPEG image`);
}
