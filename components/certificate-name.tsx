import { nameDetails, readableName } from "@/lib/engine/pki";

/** A certificate's subject or issuer as people read it: its name, every attribute on hover (never RFC 4514 escapes). */
export function CertificateName({ dn }: { dn: string }) {
  return <span title={nameDetails(dn)}>{readableName(dn)}</span>;
}
