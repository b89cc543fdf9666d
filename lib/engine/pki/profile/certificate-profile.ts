/**
 * The enrolment profile of a signer certificate: every check runs, and each
 * failure is reported with its own code and message (an admin fixes them all at once).
 */
import type { Certificate } from "@/lib/engine/pki/certificate";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";
import { checkPublicKeyMatch } from "@/lib/engine/pki/profile/check-public-key-match";
import { checkValidityWindow } from "@/lib/engine/pki/profile/check-validity-window";
import { checkKeyUsage } from "@/lib/engine/pki/profile/check-key-usage";
import { checkExtendedKeyUsage } from "@/lib/engine/pki/profile/check-extended-key-usage";
import { checkKeyStrength } from "@/lib/engine/pki/profile/check-key-strength";
import { checkSignatureAlgorithms } from "@/lib/engine/pki/profile/check-signature-algorithms";
import { checkSelfSigned } from "@/lib/engine/pki/profile/check-self-signed";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

export interface ProfileInput {
  certificate: Certificate;
  /** Issuer certificates, closest first. */
  chain?: readonly Certificate[];
  /** The key the certificate must belong to (SPKI DER), when known. */
  publicKey?: Uint8Array;
  at?: Date;
  allowSelfSigned?: boolean;
}

export interface ProfileResult {
  ok: boolean;
  selfSigned: boolean;
  failures: CertificateProfileError[];
}

export function checkCertificateProfile(input: ProfileInput): ProfileResult {
  const { certificate } = input;
  const checks: (() => void)[] = [
    ...(input.publicKey ? [() => checkPublicKeyMatch(certificate, input.publicKey as Uint8Array)] : []),
    () => checkValidityWindow(certificate, input.at),
    () => checkKeyUsage(certificate),
    () => checkExtendedKeyUsage(certificate),
    () => checkKeyStrength(certificate),
    () => checkSignatureAlgorithms([certificate, ...(input.chain ?? [])]),
    () => checkSelfSigned(certificate, { allowSelfSigned: input.allowSelfSigned }),
  ];
  const failures: CertificateProfileError[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof CertificateProfileError)) throw error;
      failures.push(error);
    }
  }
  return { ok: failures.length === 0, selfSigned: isSelfSigned(certificate), failures };
}
