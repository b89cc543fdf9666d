"use client";

import { useId, useState, type DragEvent } from "react";
import type { VerificationReport } from "@/lib/engine/verify";
import { VerificationResult } from "@/components/verification-result";

type Outcome =
  | { state: "idle" }
  | { state: "checking"; fileName: string }
  | { state: "done"; fileName: string; report: VerificationReport }
  | { state: "error"; fileName: string; message: string };

type ApiAnswer = VerificationReport | { error: { code: string; message: string } };

/**
 * Drop or choose a PDF: it is sent to POST /api/v1/verify (verified in memory, never stored)
 * and the answer appears below, with the report to print or download.
 */
export function VerifyDropZone({ maxBytes }: { maxBytes: number }) {
  const inputId = useId();
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });
  const [dragging, setDragging] = useState(false);

  async function verify(file: File) {
    if (file.size > maxBytes) {
      setOutcome({
        state: "error",
        fileName: file.name,
        message: `This file is larger than ${Math.round(maxBytes / (1024 * 1024))} MB, the largest PDF that can be verified here.`,
      });
      return;
    }
    setOutcome({ state: "checking", fileName: file.name });
    try {
      const response = await fetch("/api/v1/verify", {
        method: "POST",
        body: file,
        headers: { "Content-Type": "application/pdf" },
      });
      const answer = (await response.json()) as ApiAnswer;
      if ("error" in answer) setOutcome({ state: "error", fileName: file.name, message: answer.error.message });
      else setOutcome({ state: "done", fileName: file.name, report: answer });
    } catch {
      setOutcome({
        state: "error",
        fileName: file.name,
        message: "The file could not be sent. Check your connection and try again.",
      });
    }
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void verify(file);
  }

  function downloadJson(report: VerificationReport, fileName: string) {
    const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `${fileName.replace(/\.pdf$/i, "")}-verification.json`;
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <>
      <div
        className={`verify-drop no-print${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop a sealed PDF here</strong> or
        </p>
        <label htmlFor={inputId} className="button">
          Choose a PDF
        </label>
        <input
          id={inputId}
          className="sr-only"
          type="file"
          accept="application/pdf,.pdf"
          aria-label="PDF to verify"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void verify(file);
            event.target.value = "";
          }}
        />
        <p className="hint">
          Up to {Math.round(maxBytes / (1024 * 1024))} MB. The file is checked in memory and never stored; only a
          counter of checks per network is kept.
        </p>
      </div>
      <div aria-live="polite">
        {outcome.state === "checking" && (
          <p role="status" className="verify-checking">
            Checking {outcome.fileName}…
          </p>
        )}
        {outcome.state === "error" && (
          <div className="verify-answer tone-error" data-testid="verify-error">
            <p className="verify-label">Cannot be checked</p>
            <p className="verify-reason" role="alert">
              {outcome.message}
            </p>
            <p className="verify-meta">{outcome.fileName}</p>
          </div>
        )}
        {outcome.state === "done" && (
          <>
            <VerificationResult report={outcome.report} fileName={outcome.fileName} />
            <p className="row-form no-print">
              <button type="button" onClick={() => window.print()}>
                Print the report
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => downloadJson(outcome.report, outcome.fileName)}
              >
                Download the report (JSON)
              </button>
            </p>
          </>
        )}
      </div>
    </>
  );
}
