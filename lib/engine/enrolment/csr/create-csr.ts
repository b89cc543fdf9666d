/**
 * createCsr: a PKCS#10 request for a key held by any KeyBackend (local, platform,
 * AWS KMS, PKCS#11). The key signs the DER of the CertificationRequestInfo through
 * `backend.sign`, like the CMS signer does with signed attributes, and the
 * signature is verified against the backend's public key before the request is
 * returned, so a faulty backend never produces a CSR the CA would refuse.
 *
 * Requested extensions: keyUsage digitalSignature + nonRepudiation (critical),
 * which PDF validators require of a document signer; subjectAltName with the email
 * address when one is given (RFC 5280 4.1.2.6); an extended key usage only when
 * asked, and then it must include emailProtection (poppler/NSS refuses signers
 * whose EKU lacks it). The CA decides what it actually issues: the uploaded
 * certificate is checked again (validateForEnrolment).
 */
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest } from "@/lib/engine/crypto/hash";
import { canonicalSpki, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { ecdsaDerToRaw, ecdsaRawToDer } from "@/lib/engine/crypto/ecdsa-signature";
import { signatureAlgorithmIdentifier } from "@/lib/engine/cms/signature-algorithm";
import { certificationRequest, certificationRequestInfo, certificationRequestPem } from "@/lib/engine/pki/csr";
import {
  emailSubjectAltNameExtension,
  extendedKeyUsageExtension,
  keyUsageExtension,
} from "@/lib/engine/pki/encode-extensions";
import { CsrError } from "@/lib/engine/enrolment/enrolment-errors";
import { encodeCsrSubject, parseCsrSubject, type CsrSubjectInput } from "@/lib/engine/enrolment/csr/csr-subject";
import {
  extendedKeyUsageOids,
  type ExtendedKeyUsagePurpose,
} from "@/lib/engine/enrolment/csr/requested-extended-key-usage";
import { defaultSignatureHash } from "@/lib/engine/enrolment/csr/signature-hash";

export interface CreateCsrInput {
  /** Validated here; a problem throws CsrSubjectError with the field's name. */
  subject: CsrSubjectInput;
  backend: KeyBackend;
  /** Default: SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521. */
  hash?: HashAlgorithm;
  /** Absent or empty: no EKU (what validators accept most widely). Otherwise it must include emailProtection. */
  extendedKeyUsage?: readonly ExtendedKeyUsagePurpose[];
}

export interface Csr {
  der: Uint8Array;
  /** "-----BEGIN CERTIFICATE REQUEST-----", for download. */
  pem: string;
}

export async function createCsr(input: CreateCsrInput): Promise<Csr> {
  const subject = parseCsrSubject(input.subject);
  const eku = input.extendedKeyUsage?.length ? extendedKeyUsageOids(input.extendedKeyUsage) : undefined;
  const algorithm = await input.backend.keyAlgorithm();
  const spki = canonicalSpki(await input.backend.publicKey());
  const hash = input.hash ?? defaultSignatureHash(algorithm);

  const extensions = [
    keyUsageExtension({ digitalSignature: true, nonRepudiation: true }, true),
    ...(subject.email === undefined ? [] : [emailSubjectAltNameExtension([subject.email])]),
    ...(eku === undefined ? [] : [extendedKeyUsageExtension(eku)]),
  ];
  const info = certificationRequestInfo({ subject: encodeCsrSubject(subject), spki, extensions });

  let signature = await input.backend.sign({ message: info, digest: digest(hash, info), hash });
  if (algorithm.kind === "EC") signature = strictEcdsaDer(signature, algorithm.curve);
  if (!verifySignature({ publicKey: publicKeyFromSpki(spki), message: info, signature, hash })) {
    throw new CsrError(
      "csr.signature_invalid",
      `The signature returned by ${input.backend.description} does not verify with its public key; no certificate request was made.`,
      { status: 502 },
    );
  }
  const der = certificationRequest(info, signatureAlgorithmIdentifier(algorithm, hash), signature);
  return { der, pem: certificationRequestPem(der) };
}

/** Re-encodes an ECDSA-Sig-Value as strict DER; anything unreadable is left for the verification to refuse. */
function strictEcdsaDer(signature: Uint8Array, curve: "P-256" | "P-384" | "P-521"): Uint8Array {
  try {
    return ecdsaRawToDer(ecdsaDerToRaw(signature, curve), curve);
  } catch {
    return signature;
  }
}
