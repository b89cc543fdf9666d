/**
 * validateForEnrolment: may this certificate (with its chain) be activated for the
 * pending key? Every check runs and each failure has its own code and message,
 * so an admin sees everything to fix at once.
 *
 * The certificate's own checks are lib/pki's enrolment profile
 * (checkCertificateProfile: public key, validity window, keyUsage, EKU, key
 * strength, SHA-1/MD5 in the chain, self-signed). Added here: the chain reaches a
 * self-signed root or one of the organisation's CA certificates, its issuers are
 * CAs, and its CA certificates are valid now.
 */
import type { Certificate } from "@/lib/engine/pki/certificate";
import { buildCertificationPath } from "@/lib/engine/pki/certification-path";
import { checkCertificateProfile } from "@/lib/engine/pki/profile/certificate-profile";
import type { CertificateProfileErrorCode } from "@/lib/engine/pki/profile/profile-errors";
import { EnrolmentCheckError, type EnrolmentCheckCode } from "@/lib/engine/enrolment/enrolment-errors";
import { checkChainComplete } from "@/lib/engine/enrolment/validation/check-chain-complete";
import { checkChainIssuers } from "@/lib/engine/enrolment/validation/check-chain-issuers";
import { checkChainValidity } from "@/lib/engine/enrolment/validation/check-chain-validity";
import { OID } from "@/lib/engine/asn1/oids";

export interface EnrolmentPolicy {
  /** The organisation's "testing" policy: self-signed certificates are accepted, and marked as testing. */
  allowSelfSigned: boolean;
}

export interface EnrolmentValidationInput {
  leaf: Certificate;
  /** Issuer of the leaf first (as parseCertificateUpload returns it). */
  chain: readonly Certificate[];
  /** The pending key's SubjectPublicKeyInfo. */
  spki: Uint8Array;
  now: Date;
  policy: EnrolmentPolicy;
  /** CA certificates the organisation uploaded: the chain may end at one of them instead of a self-signed root. */
  organisationCas?: readonly Certificate[];
}

export type EnrolmentFailureCode = CertificateProfileErrorCode | EnrolmentCheckCode;

/** Plain data (safe to serialise to the screen and into the audit entry). */
export interface EnrolmentFailure {
  code: EnrolmentFailureCode;
  message: string;
}

export interface EnrolmentValidation {
  ok: boolean;
  failures: EnrolmentFailure[];
  selfSigned: boolean;
  /** Self-signed and accepted under the testing policy: show it as a testing certificate wherever it appears. */
  testing: boolean;
  /** The checked path, leaf first, up to the root or organisation CA reached. */
  path: Certificate[];
}

export function validateForEnrolment(input: EnrolmentValidationInput): EnrolmentValidation {
  const { leaf, now, policy } = input;
  const built = buildCertificationPath(leaf, { intermediates: input.chain, anchors: input.organisationCas ?? [] });
  // An organisation CA is trusted as such: its own signature is not relied on (RFC 5280 6.1), so its algorithm does not count.
  const issuers = built.path.slice(1).filter((c) => c !== built.anchor);

  const profile = checkCertificateProfile({
    certificate: leaf,
    chain: issuers,
    publicKey: input.spki,
    at: now,
    allowSelfSigned: policy.allowSelfSigned,
  });
  const failures: EnrolmentFailure[] = profile.failures.map((failure) => ({
    code: failure.code,
    message: (failure.code === "certificate.extended_key_usage" && documentSigningOnlyMessage(leaf)) || failure.message,
  }));

  const chainChecks = [
    () => checkChainComplete(built, input.organisationCas),
    () => checkChainIssuers(built.path),
    () => checkChainValidity(built.path.slice(1), now),
  ];
  for (const check of chainChecks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof EnrolmentCheckError)) throw error;
      failures.push({ code: error.code, message: error.message });
    }
  }

  return {
    ok: failures.length === 0,
    failures,
    selfSigned: profile.selfSigned,
    testing: profile.selfSigned && policy.allowSelfSigned,
    path: built.path,
  };
}

/**
 * The most common wrong EKU is documentSigning alone (what a "document signing"
 * product of a CA often carries): lib/pki's message is general, this one names it.
 * Undefined when the general message fits.
 */
export function documentSigningOnlyMessage(certificate: Certificate): string | undefined {
  const eku = certificate.extendedKeyUsage;
  if (!eku || eku.includes(OID.emailProtection)) return undefined;
  if (!eku.includes(OID.documentSigningKp) && !eku.includes(OID.documentSigning)) return undefined;
  return "The certificate's extended key usage is documentSigning without emailProtection: poppler and other NSS-based PDF readers refuse such a signer (they report “Unknown issue with Certificate”). Ask your CA for a certificate without extended key usage, or with emailProtection added (documentSigning may stay).";
}
