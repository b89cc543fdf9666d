"use client";

import { useId, useState } from "react";

type Check =
  | { state: "idle" }
  | { state: "hashing"; fileName: string }
  | { state: "done"; fileName: string; sha256: string; matches: boolean }
  | { state: "error"; message: string };

/** Hashes the recipient's file in the browser (crypto.subtle) and compares it with the sealed file's SHA-256; nothing is sent. */
export function SealHashCheck({ sealedSha256 }: { sealedSha256: string }) {
  const inputId = useId();
  const [check, setCheck] = useState<Check>({ state: "idle" });

  async function compare(file: File) {
    setCheck({ state: "hashing", fileName: file.name });
    try {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
      const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      setCheck({ state: "done", fileName: file.name, sha256, matches: sha256 === sealedSha256.toLowerCase() });
    } catch {
      setCheck({ state: "error", message: "This browser could not read or hash the file." });
    }
  }

  return (
    <div className="verify-hash-check">
      <label htmlFor={inputId}>Your copy of the sealed PDF</label>
      <input
        id={inputId}
        type="file"
        accept="application/pdf,.pdf"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void compare(file);
        }}
      />
      <p className="hint">The file is hashed in this browser; it is not uploaded.</p>
      <div aria-live="polite">
        {check.state === "hashing" && <p role="status">Computing the fingerprint of {check.fileName}…</p>}
        {check.state === "error" && (
          <p className="alert error" role="alert">
            {check.message}
          </p>
        )}
        {check.state === "done" && (
          <div className={`verify-answer tone-${check.matches ? "valid" : "invalid"}`} data-testid="hash-check">
            <p className="verify-label">{check.matches ? "Same file" : "Different file"}</p>
            <p className="verify-reason">
              {check.matches
                ? "Your file is byte for byte the file that was sealed."
                : "Your file is not the file Signet handed out after sealing. It may have been changed, or it is another document; verify it to see its signatures."}
            </p>
            <p className="verify-meta">
              SHA-256 of {check.fileName}: <span className="mono">{check.sha256}</span>
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
