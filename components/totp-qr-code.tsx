import type { QrCode } from "@/lib/auth/totp/qr-code";

/** The enrolment QR code, drawn from its module matrix (no HTML injection, crisp at any size). */
export function TotpQrCode({ qr, label }: { qr: QrCode; label: string }) {
  return (
    <svg
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      width={220}
      height={220}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      style={{ maxWidth: "100%", height: "auto", background: "#fff", border: "1px solid var(--line)" }}
    >
      <path d={qr.path} fill="#000" />
    </svg>
  );
}
