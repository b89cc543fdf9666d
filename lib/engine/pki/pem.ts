/**
 * PEM (RFC 7468): labelled base64 blocks. A reader that keeps every block with
 * its label (certificates, PKCS#7 bundles, keys, requests), so callers decide
 * what each block means, and a writer for any label.
 */

export interface PemBlock {
  /** "CERTIFICATE", "PKCS7", "PRIVATE KEY", … (upper case, as written). */
  readonly label: string;
  readonly der: Uint8Array;
}

/** Not anchored at the start: a byte-order mark or stray text may precede it. */
const BEGIN = /-----BEGIN ([A-Z0-9 #]{1,64})-----$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True when the bytes hold PEM text (a BEGIN line near the start). */
export function looksLikePem(input: Uint8Array | string): boolean {
  const head =
    typeof input === "string" ? input.slice(0, 8192) : Buffer.from(input.subarray(0, 8192)).toString("latin1");
  return head.includes("-----BEGIN ");
}

/**
 * Every well-formed block, in file order. Text between blocks (openssl's
 * "subject=…" lines, comments) is ignored; RFC 1421 headers ("Proc-Type: …")
 * are skipped. A block whose body is not base64 is returned with `der` empty, so
 * the caller can report it rather than silently lose it.
 */
export function readPemBlocks(text: string): PemBlock[] {
  // Line by line, so that hostile input (many BEGIN lines, no END) costs linear time.
  const blocks: PemBlock[] = [];
  let open: { label: string; body: string[] } | undefined;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    const begin = BEGIN.exec(line);
    if (begin) {
      open = { label: begin[1] ?? "", body: [] };
    } else if (open && line === `-----END ${open.label}-----`) {
      const body = open.body.join("");
      blocks.push({
        label: open.label,
        der: BASE64.test(body) ? new Uint8Array(Buffer.from(body, "base64")) : new Uint8Array(0),
      });
      open = undefined;
    } else if (open && !line.includes(":")) {
      open.body.push(line.replace(/\s+/g, ""));
    }
  }
  return blocks;
}

export function writePemBlock(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
