"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useId, useRef, useState, type DragEvent } from "react";
import { formatFileSize } from "@/lib/documents/file-size";

type UploadItem = {
  key: string;
  name: string;
  size: number;
  percent: number;
  state: "waiting" | "uploading" | "checking" | "accepted" | "rejected" | "error";
  message?: string;
  documentId?: string;
};

type UploadAnswer =
  | { accepted: true; document: { id: string; fileName: string; pageCount: number } }
  | { accepted: false; message: string }
  | { error: string };

/** Sends one file as the raw body, reporting upload progress; resolves with the server's verdict. */
function sendFile(file: File, tooLarge: boolean, onProgress: (percent: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents/upload");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("X-File-Size", String(file.size));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      const body = xhr.response as UploadAnswer | null;
      resolve(body ?? { error: `The server answered ${xhr.status}. Try again.` });
    };
    xhr.onerror = () => resolve({ error: "The upload was interrupted. Check your connection and try again." });
    // A file over the limit is announced, not sent: the server refuses (and records) it at once.
    xhr.send(tooLarge ? null : file);
  });
}

/** Upload one or many PDFs by drag and drop or the file picker, each with its progress bar and verdict. */
export function DocumentUpload({ maxUploadBytes }: { maxUploadBytes: number }) {
  const router = useRouter();
  const inputId = useId();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const update = useCallback(
    (key: string, change: Partial<UploadItem>) =>
      setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item))),
    [],
  );

  const addFiles = useCallback(
    (files: File[]) => {
      const fresh = files.map((file, i) => ({
        file,
        item: {
          key: `${Date.now()}-${i}-${file.name}`,
          name: file.name,
          size: file.size,
          percent: 0,
          state: "waiting" as const,
        },
      }));
      setItems((list) => [...list, ...fresh.map((f) => f.item)]);
      // One file at a time: each gets the whole connection and its own verdict as soon as it is checked.
      queue.current = queue.current.then(async () => {
        for (const { file, item } of fresh) {
          update(item.key, { state: "uploading" });
          const answer = await sendFile(file, file.size > maxUploadBytes, (percent) =>
            update(item.key, { percent, state: percent >= 100 ? "checking" : "uploading" }),
          );
          if ("error" in answer) update(item.key, { state: "error", message: answer.error });
          else if (answer.accepted)
            update(item.key, {
              state: "accepted",
              percent: 100,
              documentId: answer.document.id,
              message: `Accepted — ${answer.document.pageCount} page${answer.document.pageCount === 1 ? "" : "s"}`,
            });
          else update(item.key, { state: "rejected", message: answer.message });
        }
        router.refresh();
      });
    },
    [maxUploadBytes, router, update],
  );

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(Array.from(event.dataTransfer.files));
  };

  const accepted = items.filter((i) => i.state === "accepted" && i.documentId !== undefined);
  const busy = items.some((i) => i.state === "waiting" || i.state === "uploading" || i.state === "checking");
  const limitMb = Math.round(maxUploadBytes / (1024 * 1024));

  return (
    <div className="stack">
      <div
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <p>Drop PDF files here, or</p>
        <label htmlFor={inputId} className="button">
          Choose PDF files
        </label>
        <input
          id={inputId}
          className="file-input"
          type="file"
          accept="application/pdf,.pdf"
          multiple
          aria-label="PDF files to upload"
          onChange={(event) => {
            addFiles(Array.from(event.target.files ?? []));
            event.target.value = "";
          }}
        />
        <p className="hint">Up to {limitMb} MB per file. Password-protected PDFs cannot be sealed.</p>
      </div>
      {items.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((item) => (
            <li key={item.key} className={`upload-item ${item.state}`} aria-label={item.name}>
              <div className="upload-name">
                <strong>{item.name}</strong> <span className="hint">{formatFileSize(item.size)}</span>
              </div>
              <progress max={100} value={item.percent} aria-label={`Upload of ${item.name}`} />
              <p
                className="upload-verdict"
                role={item.state === "rejected" || item.state === "error" ? "alert" : "status"}
              >
                {item.state === "waiting" && "Waiting…"}
                {item.state === "uploading" && `Uploading… ${item.percent}%`}
                {item.state === "checking" && "Checking the PDF…"}
                {(item.state === "accepted" || item.state === "rejected" || item.state === "error") && item.message}
              </p>
            </li>
          ))}
        </ul>
      )}
      {!busy && accepted.length > 0 && (
        <p>
          <Link className="button" href={`/documents/seal?${accepted.map((i) => `id=${i.documentId}`).join("&")}`}>
            Place the seal on {accepted.length === 1 ? "this document" : `these ${accepted.length} documents`}
          </Link>
        </p>
      )}
    </div>
  );
}
