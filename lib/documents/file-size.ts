/**
 * A file's size for people: "0 bytes", "1 byte", "812 bytes", "27 KB", "6.1 MB", "1.2 GB"
 * (binary units, as the upload limits are stated). Plain TypeScript: client components use it.
 */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "unknown size";
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${Math.floor(bytes)} bytes`;
  const kb = Math.round(bytes / 1024);
  if (kb < 1024) return `${kb} KB`;
  const mb = (bytes / 1024 ** 2).toFixed(1);
  if (Number(mb) < 1024) return `${mb} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** Megabytes (binary) for limits stated in MB: "10", "2.5"; the caller writes the unit. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}
