"use client";

import { useRouter } from "next/navigation";

/** Recovery codes, shown once; the person confirms they kept them before the page moves on. */
export function TotpRecoveryCodes({ codes, intro }: { codes: string[]; intro: string }) {
  const router = useRouter();
  return (
    <div className="stack" style={{ display: "grid", gap: "0.8rem" }} role="region" aria-label="Recovery codes">
      <p className="alert ok" role="status">
        {intro}
      </p>
      <p>
        <strong>Save these recovery codes now: they are shown only this once.</strong> Each one works once, to turn off
        the authenticator app if you lose your phone.
      </p>
      <ol
        className="mono"
        data-testid="recovery-codes"
        style={{ columns: "2 12rem", margin: 0, paddingLeft: "1.5rem" }}
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="row-form">
        <button
          type="button"
          className="secondary"
          onClick={() => void navigator.clipboard?.writeText(codes.join("\n"))}
        >
          Copy the codes
        </button>
        <button type="button" onClick={() => router.refresh()}>
          I have saved my recovery codes
        </button>
      </div>
    </div>
  );
}
