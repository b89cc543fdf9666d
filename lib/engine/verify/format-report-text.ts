/**
 * A VerificationReport as text for people (the CLI; e-mails and logs may reuse
 * it): the document's verdict first, then one block per signature, verdict first.
 */
import { formatFingerprint } from "@/lib/engine/pki/fingerprint";
import type { CertificateReport, SignatureReport, VerificationReport } from "@/lib/engine/verify/verification-report";

export function formatReportText(report: VerificationReport, options: { fileName?: string } = {}): string {
  const s = report.summary;
  const lines: string[] = [];
  const name = options.fileName ? `${options.fileName}: ` : "";
  lines.push(`${name}${s.verdict.toUpperCase()}: ${s.reason}`);
  lines.push(
    `${plural(s.signatureCount, "signature")}, ${plural(s.documentTimestampCount, "document timestamp")}, ${plural(report.revisionCount, "revision")}` +
      (report.trustAnchorsGiven ? "" : "; no trusted certificates given (--trust), so trust was not checked"),
  );
  report.signatures.forEach((signature) => lines.push("", ...signatureBlock(signature, report.signatures.length)));
  return `${lines.join("\n")}\n`;
}

function signatureBlock(sig: SignatureReport, total: number): string[] {
  const what = sig.kind === "document-timestamp" ? "Document timestamp" : "Signature";
  const out = [
    `${what} ${sig.index + 1} of ${total}, field "${sig.fieldName}": ${sig.verdict.toUpperCase()}`,
    `  ${sig.reason}`,
  ];
  const row = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== "") out.push(`  ${`${label}:`.padEnd(14)}${value}`);
  };
  row(sig.kind === "document-timestamp" ? "Authority" : "Signer", sig.signer && certificateLine(sig.signer));
  row("Issued by", sig.signer?.issuer);
  row("Chain", chainLine(sig));
  row("Signed at", signedAtLine(sig));
  row(
    "Certificate",
    sig.certificateValidAtSigningTime === undefined
      ? undefined
      : sig.certificateValidAtSigningTime
        ? "valid at signing time"
        : "NOT valid at signing time",
  );
  row("Integrity", integrityLine(sig));
  row("Byte range", byteRangeLine(sig));
  row("After it", sig.changesAfter.description);
  row(
    "PAdES",
    sig.pades && `${sig.pades.level}${sig.pades.problems.length ? ` (${sig.pades.problems.join(" ")})` : ""}`,
  );
  row("Reason", sig.signingReason);
  row("Location", sig.location);
  if (sig.problems.length > 0) {
    out.push("  Problems:");
    for (const problem of sig.problems) out.push(`    - ${problem}`);
  }
  return out;
}

function certificateLine(c: CertificateReport): string {
  return `${c.subject} (${c.keyAlgorithm}${c.selfSigned ? ", self-signed" : ""}), SHA-256 ${formatFingerprint(c.fingerprintSha256, { bytes: 8 })}…`;
}

function chainLine(sig: SignatureReport): string {
  const names = sig.chain.certificates.map((c) => /CN=([^,]+)/.exec(c.subject)?.[1] ?? c.subject);
  const trust = sig.chain.trust === "not-checked" ? "trust not checked" : sig.chain.trust;
  return names.length ? `${trust}: ${names.join(" → ")}` : trust;
}

function signedAtLine(sig: SignatureReport): string | undefined {
  const t = sig.signingTime;
  if (t.time === undefined) return undefined;
  const when = t.time.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
  if (t.source === "timestamp") {
    const tsa = sig.kind === "signature" && sig.timestamp?.tsa ? ` by ${sig.timestamp.tsa.subject}` : "";
    return `${when} (timestamp${tsa}${sig.kind === "signature" && sig.timestamp ? `, authority ${sig.timestamp.trust === "not-checked" ? "trust not checked" : sig.timestamp.trust}` : ""})`;
  }
  return `${when} (${t.source === "claimed" ? "as the signer claims; no timestamp" : "verification time; the signature states none"})`;
}

function integrityLine(sig: SignatureReport): string {
  const i = sig.integrity;
  if (!i.checked && !i.digestMatches) return "not checked";
  const digest = `${i.digestAlgorithm ?? "digest"} ${i.digestMatches ? "matches" : "does NOT match"}`;
  return `${digest}; signature ${i.signatureValid ? "verifies" : "does NOT verify"}`;
}

function byteRangeLine(sig: SignatureReport): string {
  const b = sig.byteRange;
  const value = b.value ? `[${b.value.join(" ")}]` : "missing";
  const coverage = b.coversWholeFile
    ? "covers the whole file"
    : b.revision === 0
      ? "covers the original document"
      : b.revision !== undefined
        ? `covers the file up to incremental update ${b.revision}`
        : "does not end at a revision";
  return `${value}, ${b.sane ? "well-formed" : "MALFORMED"}, ${coverage}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
