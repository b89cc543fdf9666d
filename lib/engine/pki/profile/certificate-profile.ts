/**
 * The enrolment profile of a signer certificate: every check runs, and each
 * failure is reported with its own code and message (an admin fixes them all at once).
 */
import type { Certificate } from "../certificate";
import { isSelfSigned } from "../self-signed";
import { checkPublicKeyMatch } from "./check-public-key-match";
import { checkValidityWindow } from "./check-validity-window";
import { checkKeyUsage } from "./check-key-usage";
import { checkExtendedKeyUsage } from "./check-extended-key-usage";
import { checkKeyStrength } from "./check-key-strength";
import { checkSignatureAlgorithms } from "./check-signature-algorithms";
import { checkSelfSigned } from "./check-self-signed";
import { CertificateProfileError } from "./profile-errors";

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
