"use client";

import Link from "next/link";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { startAuthentication } from "@simplewebauthn/browser";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { prepareSealAction, sealDocumentsAction } from "@/app/(workspace)/documents/actions";
import type { SealRequest } from "@/lib/sealing";
import { SealPagePreview, type PageSize } from "@/components/seal-page-preview";
import { SealProgressList, type ProgressRow } from "@/components/seal-progress-list";

export type SealableDocument = { id: string; fileName: string; pageCount: number; pages: PageSize[] };
/** name: what people call the certificate (its CN); details: every attribute of its subject, labelled. */
export type CertificateOption = {
  id: string;
  name: string;
  details: string;
  keyLabel: string;
  notAfter: string;
  selfSigned: boolean;
  sha256: string;
};
type Placement = { page: number; x: number; y: number; width: number; height: number };

type Phase =
  | { kind: "editing" }
  | { kind: "preparing" }
  | {
      kind: "confirming";
      challengeId: string;
      webauthn: PublicKeyCredentialRequestOptionsJSON | null;
      totpAllowed: boolean;
      note?: string;
      waiting: boolean;
    }
  | { kind: "sealing"; challengeId: string }
  | { kind: "done"; result: { batchId: string; documents: ProgressRow[] } };

const STAMP = { width: 200, height: 80, margin: 36 };
const round = (n: number) => Math.round(n * 100) / 100;

/** Bottom-right corner of page 1, a stamp that fits even a small page. */
function defaultPlacement(document: SealableDocument): Placement {
  const size = document.pages[0] ?? { width: 612, height: 792 };
  const width = Math.min(STAMP.width, size.width - 4);
  const height = Math.min(STAMP.height, size.height - 4);
  return {
    page: 1,
    width,
    height,
    x: round(Math.max(0, size.width - width - STAMP.margin)),
    y: round(Math.min(STAMP.margin, size.height - height)),
  };
}

/** The same position on another document (and page), kept inside its page. */
function carryOver(from: Placement, document: SealableDocument): Placement {
  const page = Math.min(from.page, document.pageCount);
  const size = document.pages[page - 1] ?? document.pages[0] ?? { width: 612, height: 792 };
  const width = Math.min(from.width, size.width - 4);
  const height = Math.min(from.height, size.height - 4);
  return {
    page,
    width,
    height,
    x: round(Math.min(Math.max(0, from.x), size.width - width)),
    y: round(Math.min(Math.max(0, from.y), size.height - height)),
  };
}

/**
 * The placement screen and the whole seal: choose where the stamp goes on each document (drag,
 * arrow keys or exact numbers, page by page), the certificate, a reason and a location; press
 * Seal; confirm with a passkey (or an authenticator code where allowed); watch the batch; download.
 */
export function SealPlacement({
  documents,
  certificates,
  signerName,
  organisationName,
}: {
  documents: SealableDocument[];
  certificates: CertificateOption[];
  signerName: string;
  organisationName: string;
}) {
  const [placements, setPlacements] = useState<Record<string, Placement>>(() =>
    Object.fromEntries(documents.map((d) => [d.id, defaultPlacement(d)])),
  );
  const [visible, setVisible] = useState(true);
  const [currentId, setCurrentId] = useState(documents[0]?.id ?? "");
  const [certificateId, setCertificateId] = useState(certificates[0]?.id ?? "");
  const [reason, setReason] = useState("");
  const [location, setLocation] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ProgressRow[]>([]);
  const [totpCode, setTotpCode] = useState("");
  const frozen = useRef<SealRequest | null>(null);
  const fieldId = useId();
  const poller = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(() => () => stopPolling(), []);

  const current = documents.find((d) => d.id === currentId) ?? documents[0];
  const placement = current === undefined ? undefined : placements[current.id];
  const pageSize = current === undefined || placement === undefined ? undefined : current.pages[placement.page - 1];
  const certificate = certificates.find((c) => c.id === certificateId);
  const stampLines = useMemo(
    () =>
      [
        signerName,
        organisationName,
        `Sealed ${new Date().toISOString().slice(0, 10)}`,
        certificate === undefined
          ? ""
          : `Certificate ${(certificate.sha256.slice(0, 16).toUpperCase().match(/.{4}/g) ?? []).join(" ")}`,
      ].filter((l) => l !== ""),
    [signerName, organisationName, certificate],
  );
  const busy = phase.kind !== "editing" && phase.kind !== "done";

  function setPlacement(documentId: string, change: Partial<Placement>) {
    setPlacements((all) => {
      const before = all[documentId];
      return before === undefined ? all : { ...all, [documentId]: { ...before, ...change } };
    });
  }

  function choosePage(page: number) {
    if (current === undefined || placement === undefined) return;
    setPlacement(current.id, carryOver({ ...placement, page }, current));
  }

  function applyToAll() {
    if (placement === undefined) return;
    setPlacements(Object.fromEntries(documents.map((d) => [d.id, carryOver(placement, d)])));
  }

  function buildRequest(): SealRequest {
    return {
      certificateId,
      reason: reason.trim() || null,
      location: location.trim() || null,
      documents: documents.map((d) => {
        const p = placements[d.id] ?? defaultPlacement(d);
        return {
          documentId: d.id,
          placement: visible
            ? { page: p.page, rect: { x: round(p.x), y: round(p.y), width: round(p.width), height: round(p.height) } }
            : null,
        };
      }),
    };
  }

  function stopPolling() {
    if (poller.current !== null) clearInterval(poller.current);
    poller.current = null;
  }

  /** The batch is sealed by the workers; its progress is read from the database until it is finished. */
  function startPolling(challengeId: string) {
    stopPolling();
    const query = `challenge=${challengeId}&${documents.map((d) => `id=${d.id}`).join("&")}`;
    poller.current = setInterval(() => {
      fetch(`/api/documents/seal-progress?${query}`, { cache: "no-store" })
        .then((r) =>
          r.ok ? (r.json() as Promise<{ batchId: string | null; finished: boolean; documents: ProgressRow[] }>) : null,
        )
        .then((body) => {
          if (body?.batchId == null) return;
          setProgress(body.documents);
          if (body.finished) {
            stopPolling();
            // No refresh here: the page would re-render without the documents that are now sealed.
            setPhase({ kind: "done", result: { batchId: body.batchId, documents: body.documents } });
          }
        })
        .catch(() => undefined);
    }, 700);
  }

  async function onSeal() {
    setError(null);
    const request = buildRequest();
    setPhase({ kind: "preparing" });
    const prepared = await prepareSealAction(request);
    if (!prepared.ok) {
      setError(prepared.error);
      setPhase({ kind: "editing" });
      return;
    }
    frozen.current = request;
    const confirming = {
      kind: "confirming" as const,
      challengeId: prepared.challengeId,
      webauthn: prepared.webauthn,
      totpAllowed: prepared.totpAllowed,
      waiting: false,
    };
    if (prepared.webauthn !== null) await confirmWithPasskey(confirming);
    else setPhase({ ...confirming, note: "Enter the code from your authenticator app to confirm." });
  }

  async function confirmWithPasskey(confirming: Extract<Phase, { kind: "confirming" }>) {
    if (confirming.webauthn === null) return;
    setPhase({ ...confirming, waiting: true, note: undefined });
    let assertion: Awaited<ReturnType<typeof startAuthentication>>;
    try {
      assertion = await startAuthentication({ optionsJSON: confirming.webauthn });
    } catch {
      setPhase({
        ...confirming,
        waiting: false,
        note: `The passkey prompt was cancelled or timed out.${confirming.totpAllowed ? " Try again, or use a code from your authenticator app." : " Try again."}`,
      });
      return;
    }
    await runSeal(confirming.challengeId, { kind: "webauthn", assertion });
  }

  async function runSeal(
    challengeId: string,
    response: { kind: "webauthn"; assertion: unknown } | { kind: "totp"; code: string },
  ) {
    setPhase({ kind: "sealing", challengeId });
    setProgress(documents.map((d) => ({ id: d.id, fileName: d.fileName, status: "SEALING", failure: null })));
    // The action only queues the batch and returns; the workers seal it.
    const result = await sealDocumentsAction({ challengeId, request: frozen.current, response });
    if (!result.ok) {
      setError(result.error);
      setPhase({ kind: "editing" });
      return;
    }
    startPolling(challengeId);
  }

  function onTotp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (phase.kind !== "confirming") return;
    void runSeal(phase.challengeId, { kind: "totp", code: totpCode.trim() });
  }

  if (current === undefined || placement === undefined || pageSize === undefined)
    return <p className="panel">Nothing to seal.</p>;

  if (phase.kind === "sealing" || phase.kind === "done") {
    const done = phase.kind === "done" ? phase.result : null;
    const sealed = done?.documents.filter((d) => d.status === "SEALED") ?? [];
    return (
      <section className="panel" aria-labelledby="batch-heading">
        <h2 id="batch-heading">
          {done === null ? "Sealing…" : sealed.length === documents.length ? "Sealed" : "Sealing finished"}
        </h2>
        <SealProgressList rows={progress} finished={done !== null} />
        {done !== null && (
          <p className="row-form">
            {sealed.length > 1 && (
              <a className="button" href={`/api/documents/batches/${done.batchId}/zip`} download>
                Download all sealed files (zip)
              </a>
            )}
            <Link href="/documents">Back to documents</Link>
          </p>
        )}
      </section>
    );
  }

  const page = placement.page;
  return (
    <div className="placement-layout">
      <section className="panel preview-panel" aria-labelledby="preview-heading">
        <h2 id="preview-heading">
          {current.fileName} — page {page} of {current.pageCount}
        </h2>
        <SealPagePreview
          documentId={current.id}
          page={page}
          pageSize={pageSize}
          stamp={visible ? placement : null}
          stampLines={stampLines}
          onMove={(position) => setPlacement(current.id, { x: round(position.x), y: round(position.y) })}
        />
        <p id="stamp-position" className="hint" aria-live="polite">
          {visible
            ? `Stamp at ${Math.round(placement.x)} pt from the left and ${Math.round(placement.y)} pt from the bottom of page ${page} (${Math.round(pageSize.width)} × ${Math.round(pageSize.height)} pt).`
            : "No visible stamp: the seal is embedded without a mark on the page."}
        </p>
      </section>

      <section className="panel controls-panel" aria-labelledby="seal-heading">
        <h2 id="seal-heading">Seal {documents.length === 1 ? "this document" : `${documents.length} documents`}</h2>
        <div className="stack">
          {documents.length > 1 && (
            <div className="field">
              <label htmlFor={`${fieldId}-document`}>Document</label>
              <select
                id={`${fieldId}-document`}
                value={current.id}
                onChange={(e) => setCurrentId(e.target.value)}
                disabled={busy}
              >
                {documents.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.fileName}
                  </option>
                ))}
              </select>
            </div>
          )}
          <label className="inline-check">
            <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} disabled={busy} />
            Show a visible seal stamp
          </label>
          {visible && (
            <fieldset disabled={busy}>
              <legend>Stamp position</legend>
              <div className="position-grid">
                <div className="field">
                  <label htmlFor={`${fieldId}-page`}>Page</label>
                  <select id={`${fieldId}-page`} value={page} onChange={(e) => choosePage(Number(e.target.value))}>
                    {Array.from({ length: current.pages.length }, (_, i) => (
                      <option key={i + 1} value={i + 1}>
                        {i + 1}
                      </option>
                    ))}
                  </select>
                </div>
                <label>
                  From left (pt)
                  <input
                    type="number"
                    inputMode="decimal"
                    step={1}
                    min={0}
                    max={Math.floor(pageSize.width - placement.width)}
                    value={Math.round(placement.x)}
                    onChange={(e) =>
                      setPlacement(current.id, {
                        x: Math.min(Math.max(0, Number(e.target.value) || 0), pageSize.width - placement.width),
                      })
                    }
                  />
                </label>
                <label>
                  From bottom (pt)
                  <input
                    type="number"
                    inputMode="decimal"
                    step={1}
                    min={0}
                    max={Math.floor(pageSize.height - placement.height)}
                    value={Math.round(placement.y)}
                    onChange={(e) =>
                      setPlacement(current.id, {
                        y: Math.min(Math.max(0, Number(e.target.value) || 0), pageSize.height - placement.height),
                      })
                    }
                  />
                </label>
              </div>
              {documents.length > 1 && (
                <button type="button" className="secondary" onClick={applyToAll}>
                  Use this position on every document
                </button>
              )}
            </fieldset>
          )}
          {certificates.length === 0 ? (
            <p className="alert error" role="alert">
              No active certificate: you cannot seal yet. An administrator must enrol a certificate and activate it on
              the Certificates page.
            </p>
          ) : (
            <div className="field">
              <label htmlFor={`${fieldId}-certificate`}>Certificate</label>
              <select
                id={`${fieldId}-certificate`}
                value={certificateId}
                onChange={(e) => setCertificateId(e.target.value)}
                disabled={busy}
              >
                {certificates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.keyLabel}, valid until {c.notAfter.slice(0, 10)}){c.selfSigned ? " — testing" : ""}
                  </option>
                ))}
              </select>
              {certificate !== undefined && (
                <p className="hint" data-testid="chosen-certificate">
                  {certificate.details}
                </p>
              )}
            </div>
          )}
          <label>
            Reason (optional)
            <input
              type="text"
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              disabled={busy}
              placeholder="For example: Approved for construction"
            />
          </label>
          <label>
            Location (optional)
            <input
              type="text"
              value={location}
              maxLength={200}
              onChange={(e) => setLocation(e.target.value)}
              disabled={busy}
            />
          </label>
          {error !== null && (
            <p className="alert error" role="alert">
              {error}
            </p>
          )}
          {phase.kind === "confirming" ? (
            <div className="stack confirm-box" role="group" aria-label="Confirm the seal">
              <p className="hint">
                You are sealing {documents.length === 1 ? "1 document" : `${documents.length} documents`} with{" "}
                {certificate?.name ?? "the chosen certificate"}.
              </p>
              {phase.waiting && <p role="status">Confirm with your passkey…</p>}
              {phase.note !== undefined && <p role="status">{phase.note}</p>}
              {phase.webauthn !== null && !phase.waiting && (
                <button type="button" onClick={() => void confirmWithPasskey(phase)}>
                  Confirm with passkey
                </button>
              )}
              {phase.totpAllowed && !phase.waiting && (
                <form onSubmit={onTotp} className="row-form" aria-label="Confirm with an authenticator code">
                  <label>
                    Authenticator code
                    <input
                      type="text"
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      pattern="\d{6}"
                      maxLength={6}
                      value={totpCode}
                      onChange={(e) => setTotpCode(e.target.value)}
                      required
                    />
                  </label>
                  <button type="submit">Confirm and seal</button>
                </form>
              )}
              <button
                type="button"
                className="secondary"
                onClick={() => setPhase({ kind: "editing" })}
                disabled={phase.waiting}
              >
                Cancel
              </button>
            </div>
          ) : (
            <div>
              <button type="button" onClick={() => void onSeal()} disabled={busy || certificates.length === 0}>
                {phase.kind === "preparing"
                  ? "Preparing…"
                  : documents.length === 1
                    ? "Seal"
                    : `Seal ${documents.length} documents`}
              </button>
            </div>
          )}
        </div>
      </section>
    </div>
  );
}
