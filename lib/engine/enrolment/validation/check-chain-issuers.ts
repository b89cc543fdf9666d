import type { Certificate } from "@/lib/engine/pki/certificate";
import { EnrolmentCheckError } from "@/lib/engine/enrolment/enrolment-errors";

/** Every issuer on the path (leaf first) is a CA allowed to sign certificates (basicConstraints cA, keyUsage keyCertSign when present). */
export function checkChainIssuers(path: readonly Certificate[]): void {
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i] as Certificate;
    const issued = path[i - 1] as Certificate;
    if (!issuer.basicConstraints?.ca) {
      throw new EnrolmentCheckError(
        "enrolment.chain_issuer_not_ca",
        `“${issuer.subject}” issued “${issued.subject}” but is not a certification authority (basicConstraints).`,
      );
    }
    if (issuer.keyUsage && !issuer.keyUsage.keyCertSign) {
      throw new EnrolmentCheckError(
        "enrolment.chain_issuer_not_ca",
        `“${issuer.subject}” issued “${issued.subject}” but its key usage does not allow signing certificates.`,
      );
    }
  }
}
