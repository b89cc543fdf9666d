/**
 * Characters a file name never needs and that can disguise it: control characters (C0, C1),
 * format characters (bidirectional overrides and isolates such as U+202E, which make
 * "invoice\u202Efdp.exe" read as "invoiceexe.pdf"; marks, zero-width characters, the BOM),
 * line and paragraph separators, and lone surrogates (which no encoder accepts).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * File names as people gave them (shown, and used for downloads), never as paths:
 * no directories, no control or format characters, bounded length.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  // Shortened by code points: cutting a surrogate pair would leave half a character.
  const cleaned = Array.from(base.replace(INVISIBLE, "").replace(/\s+/g, " ").trim()).slice(0, 200).join("").trim();
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "document.pdf" : cleaned;
}

/** "Report 7.pdf" → "Report 7-sealed.pdf". */
export function sealedFileName(fileName: string): string {
  const stem = cleanFileName(fileName).replace(/\.pdf$/i, "");
  return `${stem}-sealed.pdf`;
}

/**
 * A Content-Disposition header that every browser reads the same way: an ASCII fallback with
 * quotes and backslashes removed, and the exact name in RFC 5987 form.
 */
export function contentDisposition(fileName: string, disposition: "attachment" | "inline" = "attachment"): string {
  const name = cleanFileName(fileName);
  const ascii =
    name
      .normalize("NFKD")
      .replace(/[^\x20-\x7e]/g, "")
      .replace(/["\\;%]/g, "")
      .trim() || "document.pdf";
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Names inside a zip must be unique: "a.pdf", "a (2).pdf", … */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 1) return name;
    const dot = name.lastIndexOf(".");
    return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  });
}
