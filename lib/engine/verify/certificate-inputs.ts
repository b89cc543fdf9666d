/** Trust anchors and intermediates as callers give them: PEM text (any number of certificates), DER, or parsed. */
import { parseCertificates, type Certificate } from "@/lib/engine/pki/certificate";

export type CertificateInput = Uint8Array | string | Certificate;

/** Throws CertificateError ('certificate.unreadable' / 'certificate.none') for input that holds no certificate. */
export function certificatesOf(inputs: readonly CertificateInput[] | undefined): Certificate[] {
  return (inputs ?? []).flatMap((input) =>
    typeof input === "string" || input instanceof Uint8Array ? parseCertificates(input) : [input],
  );
}
