import type { TimelineItem } from "@/lib/lifecycle/certificate-details";

const ACTION_WORDS: Record<string, string> = {
  "certificate.uploaded": "Certificate enrolled",
  "certificate.activated": "Activated",
  "certificate.rotated": "Rotated (superseded)",
  "certificate.revoked": "Revoked",
  "certificate.sealers_changed": "Allowed sealers changed",
  "key.destroyed": "Key destroyed",
  "seal.refused": "Seal refused",
};

function detail(item: TimelineItem): string {
  const d = item.data;
  const parts: string[] = [];
  if (typeof d.reason === "string") parts.push(`reason: ${d.reason}`);
  if (typeof d.reasonName === "string") parts.push(`RFC 5280 reason: ${d.reasonName}`);
  if (typeof d.effectiveAt === "string") parts.push(`effective ${d.effectiveAt.replace("T", " ").slice(0, 19)} UTC`);
  if (typeof d.comment === "string") parts.push(`comment: ${d.comment}`);
  if (typeof d.oldSha256 === "string" && typeof d.newSha256 === "string")
    parts.push(`${d.oldSha256.slice(0, 12)}… → ${d.newSha256.slice(0, 12)}…`);
  if (typeof d.method === "string") parts.push(d.method);
  if (Array.isArray(d.approvedBy) && d.approvedBy.length > 0)
    parts.push(`approved by ${d.approvedBy.length} other administrator${d.approvedBy.length === 1 ? "" : "s"}`);
  return parts.join("; ");
}

/** A certificate's life as the audit trail tells it, oldest first. */
export function TimelineList({ items }: { items: TimelineItem[] }) {
  if (items.length === 0) return <p className="hint">No lifecycle entries yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {items.map((item) => (
        <li key={item.seq}>
          <time dateTime={item.at.toISOString()}>{item.at.toISOString().replace("T", " ").slice(0, 19)} UTC</time>{" "}
          <strong>{ACTION_WORDS[item.action] ?? item.action}</strong>
          {item.actor !== null && <> by {item.actor}</>}
          {detail(item) !== "" && <span className="hint"> — {detail(item)}</span>}{" "}
          <span className="hint mono">#{item.seq}</span>
        </li>
      ))}
    </ol>
  );
}
