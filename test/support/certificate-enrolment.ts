/**
 * Tests only: gives a signing key a certificate issued by the test PKI's intermediate CA,
 * written straight into the database (the enrolment screens are not needed for that).
 * The CA signs the key's public key as stored (openssl x509 -new -force_pubkey), so no
 * private key leaves its custody; a platform key keeps signing through its own backend.
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Db } from "@/lib/db/client";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";

const run = promisify(execFile);

export type CertificateState = "INACTIVE" | "ACTIVE" | "SUPERSEDED" | "REVOKED";

export type IssuedTestCertificate = { certificate: Certificate; der: Uint8Array; chainPem: string; pki: TestPki };

/** A leaf certificate for this SubjectPublicKeyInfo (DER), issued by the test intermediate CA. */
export async function issueTestCertificateFor(
  spki: Uint8Array,
  options: { subject?: string; days?: number } = {},
): Promise<IssuedTestCertificate> {
  const pki = await getTestPki();
  const dir = await mkdtemp(path.join(tmpdir(), "signet-test-enrol-"));
  try {
    const publicKey = path.join(dir, "public.pem");
    const b64 = Buffer.from(spki)
      .toString("base64")
      .replace(/(.{64})/g, "$1\n")
      .replace(/\n$/, "");
    await writeFile(publicKey, `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`);
    const ext = path.join(dir, "ext.cnf");
    await writeFile(
      ext,
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
    const out = path.join(dir, "cert.der");
    await run("openssl", [
      "x509",
      "-new",
      "-subj",
      options.subject ?? "/C=BE/O=Signet Test/CN=Signet Test Seal",
      "-force_pubkey",
      publicKey,
      "-CA",
      pki.intermediate.certPath,
      "-CAkey",
      pki.intermediate.keyPath,
      "-set_serial",
      `0x${randomBytes(12).toString("hex")}`,
      "-days",
      String(options.days ?? 365),
      "-sha256",
      "-extfile",
      ext,
      "-extensions",
      "ext",
      "-outform",
      "DER",
      "-out",
      out,
    ]);
    const der = new Uint8Array(await readFile(out));
    return { certificate: parseCertificate(der), der, chainPem: pki.chainPem, pki };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The SigningCertificate row for an issued certificate, as the enrolment screens would write it. */
export function certificateRow(
  issued: IssuedTestCertificate,
  input: { orgId: string; keyId: string; createdById: string; state?: CertificateState },
) {
  const { certificate } = issued;
  const state = input.state ?? "ACTIVE";
  return {
    id: randomUUID(),
    orgId: input.orgId,
    keyId: input.keyId,
    der: Buffer.from(issued.der),
    chainPem: issued.chainPem,
    sha256: certificate.fingerprintSha256,
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialHex: certificate.serialNumberHex,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    selfSigned: false,
    state,
    createdById: input.createdById,
    activatedAt: state === "ACTIVE" ? new Date() : null,
  };
}

/** Issues a certificate for a key of the database and stores it (ACTIVE unless told otherwise). */
export async function enrolTestCertificate(
  db: Db,
  input: {
    orgId: string;
    keyId: string;
    createdById: string;
    state?: CertificateState;
    subject?: string;
    days?: number;
  },
): Promise<{ id: string; sha256: string; certificate: Certificate; pki: TestPki }> {
  const key = await db.signingKey.findFirstOrThrow({ where: { id: input.keyId, orgId: input.orgId } });
  const issued = await issueTestCertificateFor(new Uint8Array(key.publicKey), {
    subject: input.subject,
    days: input.days,
  });
  const row = certificateRow(issued, input);
  await db.signingCertificate.create({ data: row });
  return { id: row.id, sha256: row.sha256, certificate: issued.certificate, pki: issued.pki };
}
