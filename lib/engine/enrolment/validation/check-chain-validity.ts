import type { Certificate } from "@/lib/engine/pki/certificate";
import { EnrolmentCheckError } from "@/lib/engine/enrolment/enrolment-errors";

/** The CA certificates of the chain are within their validity window at `now` (the leaf's own window is a profile check). */
export function checkChainValidity(chain: readonly Certificate[], now: Date): void {
  for (const certificate of chain) {
    if (now < certificate.notBefore) {
      throw new EnrolmentCheckError(
        "enrolment.chain_certificate_not_valid",
        `The CA certificate “${certificate.subject}” is not valid before ${certificate.notBefore.toISOString()}.`,
      );
    }
    if (now > certificate.notAfter) {
      throw new EnrolmentCheckError(
        "enrolment.chain_certificate_not_valid",
        `The CA certificate “${certificate.subject}” expired on ${certificate.notAfter.toISOString()}; signatures under it would not validate. Ask your CA for its current chain.`,
      );
    }
  }
}
