export type ProgressRow = {
  id: string;
  fileName: string;
  status: "UPLOADED" | "SEALING" | "SEALED" | "FAILED";
  failure: string | null;
};

/** Each document of a running or finished batch: sealing, sealed (with its download) or failed (with why). */
export function SealProgressList({ rows, finished }: { rows: ProgressRow[]; finished: boolean }) {
  const done = rows.filter((r) => r.status === "SEALED" || r.status === "FAILED").length;
  return (
    <div className="stack">
      <progress className="seal-progress-bar" max={Math.max(1, rows.length)} value={done} aria-label="Batch progress" />
      <p role="status" aria-live="polite">
        {finished
          ? `${rows.filter((r) => r.status === "SEALED").length} of ${rows.length} sealed.`
          : `${done} of ${rows.length} done…`}
      </p>
      <ul className="seal-results" aria-label="Documents of this batch">
        {rows.map((row) => (
          <li key={row.id} className={`seal-result ${row.status.toLowerCase()}`}>
            <strong>{row.fileName}</strong>{" "}
            {row.status === "SEALED" && (
              <>
                <span className="badge status-sealed">Sealed</span>{" "}
                <a href={`/api/documents/${row.id}/sealed`} download>
                  Download sealed PDF
                </a>
              </>
            )}
            {row.status === "FAILED" && (
              <>
                <span className="badge status-failed">Failed</span> <span className="failure">{row.failure}</span>
              </>
            )}
            {(row.status === "SEALING" || row.status === "UPLOADED") && (
              <span className="badge">{finished ? "Not sealed" : "Sealing…"}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
