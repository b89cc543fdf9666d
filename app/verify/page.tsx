import type { Metadata } from "next";
import { readSettings } from "@/lib/config/settings";
import { VerifyDropZone } from "@/components/verify-drop-zone";
import "@/app/verify/verify.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Verify a sealed PDF", referrer: "no-referrer" };

/** Public: no account, no session. The file goes to POST /api/v1/verify and is never stored. */
export default function VerifyPage() {
  const { verifyMaxBytes } = readSettings();
  return (
    <main className="verify-page">
      <header>
        <p className="brand">Signet</p>
        <p className="hint no-print">No account needed</p>
      </header>
      <h1>Verify a sealed PDF</h1>
      <p className="lede no-print">
        Check who sealed a document, whether it is still exactly what they sealed, and whether their certificate was
        valid at the time.
      </p>
      <VerifyDropZone maxBytes={verifyMaxBytes} />
    </main>
  );
}
