"use client";

import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";

export type StampRect = { x: number; y: number; width: number; height: number };
export type PageSize = { width: number; height: number };

type PdfjsModule = typeof import("pdfjs-dist");
type PdfDocument = Awaited<ReturnType<PdfjsModule["getDocument"]>["promise"]>;

/** Everything pdf.js loads comes from our own origin (no network beyond it). */
const PDFJS_ASSETS = "/api/documents/pdfjs";
const documents = new Map<string, Promise<PdfDocument>>();

async function loadDocument(documentId: string): Promise<PdfDocument> {
  let loading = documents.get(documentId);
  if (loading === undefined) {
    loading = import("pdfjs-dist").then((pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = `${PDFJS_ASSETS}/worker/pdf.worker.min.mjs`;
      return pdfjs.getDocument({
        url: `/api/documents/${documentId}/original`,
        isEvalSupported: false,
        disableAutoFetch: true,
        cMapUrl: `${PDFJS_ASSETS}/cmaps/`,
        cMapPacked: true,
        standardFontDataUrl: `${PDFJS_ASSETS}/standard_fonts/`,
        wasmUrl: `${PDFJS_ASSETS}/wasm/`,
      }).promise;
    });
    loading.catch(() => documents.delete(documentId));
    documents.set(documentId, loading);
  }
  return loading;
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), Math.max(min, max));

/**
 * One page of a document as pdf.js renders it (rotation included), with the seal stamp on top.
 * The stamp is dragged with the pointer or moved with the arrow keys (Shift: faster); a click on
 * the page moves it there. Positions are in the page's visible coordinates: points from the
 * bottom-left corner of the page as displayed, the space sealPdf places in.
 */
export function SealPagePreview({
  documentId,
  page,
  pageSize,
  stamp,
  stampLines,
  onMove,
}: {
  documentId: string;
  page: number;
  pageSize: PageSize;
  stamp: StampRect | null;
  stampLines: string[];
  onMove: (position: { x: number; y: number }) => void;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ pointerX: number; pointerY: number; x: number; y: number } | null>(null);
  const [available, setAvailable] = useState(600);
  const [outcome, setOutcome] = useState<{ key: string; ok: boolean } | null>(null);

  useEffect(() => {
    const element = frame.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) =>
      setAvailable(Math.max(200, Math.floor(entry?.contentRect.width ?? 600))),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const maxHeight = typeof window === "undefined" ? 700 : Math.max(320, window.innerHeight * 0.75);
  const scale = Math.min(available / pageSize.width, maxHeight / pageSize.height);
  const renderKey = `${documentId}:${page}:${scale}`;
  const status = outcome?.key !== renderKey ? "loading" : outcome.ok ? "ready" : "failed";

  useEffect(() => {
    let cancelled = false;
    let task: { cancel(): void; promise: Promise<void> } | undefined;
    (async () => {
      const pdf = await loadDocument(documentId);
      const pdfPage = await pdf.getPage(page);
      const target = canvas.current;
      if (cancelled || target === null) return;
      const ratio = window.devicePixelRatio || 1;
      const viewport = pdfPage.getViewport({ scale: scale * ratio });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      task = pdfPage.render({ canvas: target, viewport });
      await task.promise;
      if (!cancelled) setOutcome({ key: renderKey, ok: true });
    })().catch((error: unknown) => {
      if (!cancelled && (error as { name?: string } | null)?.name !== "RenderingCancelledException")
        setOutcome({ key: renderKey, ok: false });
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [documentId, page, scale, renderKey]);

  const move = (x: number, y: number) => {
    if (stamp === null) return;
    onMove({ x: clamp(x, 0, pageSize.width - stamp.width), y: clamp(y, 0, pageSize.height - stamp.height) });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (stamp === null) return;
    const step = event.shiftKey ? 25 : 5;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const delta = moves[event.key];
    if (delta === undefined) return;
    event.preventDefault();
    move(stamp.x + delta[0], stamp.y + delta[1]);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (stamp === null) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointerX: event.clientX, pointerY: event.clientY, x: stamp.x, y: stamp.y };
    event.stopPropagation();
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start === null) return;
    move(start.x + (event.clientX - start.pointerX) / scale, start.y - (event.clientY - start.pointerY) / scale);
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  /** A click on the page puts the stamp's centre there. */
  const onPageClick = (event: PointerEvent<HTMLDivElement>) => {
    if (stamp === null || (event.target as HTMLElement).closest(".stamp-box") !== null) return;
    const box = event.currentTarget.getBoundingClientRect();
    move(
      (event.clientX - box.left) / scale - stamp.width / 2,
      pageSize.height - (event.clientY - box.top) / scale - stamp.height / 2,
    );
  };

  return (
    <div ref={frame} className="page-frame">
      <div
        className="page-sheet"
        style={{ width: pageSize.width * scale, height: pageSize.height * scale }}
        onPointerDown={onPageClick}
        data-testid="page-preview"
        data-status={status}
      >
        <canvas
          ref={canvas}
          className="page-canvas"
          style={{ width: pageSize.width * scale, height: pageSize.height * scale }}
          aria-label={`Preview of page ${page}`}
          role="img"
        />
        {status === "loading" && <p className="page-note">Rendering page {page}…</p>}
        {status === "failed" && (
          <p className="page-note">This page could not be previewed. You can still place the stamp by its position.</p>
        )}
        {stamp !== null && (
          <div
            className="stamp-box"
            role="button"
            tabIndex={0}
            aria-label="Seal stamp: use the arrow keys to move it (hold Shift to move faster)"
            aria-describedby="stamp-position"
            data-testid="stamp"
            style={{
              left: stamp.x * scale,
              top: (pageSize.height - stamp.y - stamp.height) * scale,
              width: stamp.width * scale,
              height: stamp.height * scale,
              fontSize: Math.max(6, Math.min(12, stamp.height * scale * 0.13)),
            }}
            onKeyDown={onKeyDown}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
          >
            {stampLines.map((line, i) => (
              <span key={i} className={i === 0 ? "stamp-title" : undefined}>
                {line}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
