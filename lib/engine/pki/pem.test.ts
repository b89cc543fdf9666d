import { describe, expect, it } from "vitest";
import { looksLikePem, readPemBlocks, writePemBlock } from "@/lib/engine/pki/pem";

describe("PEM", () => {
  it("reads every block with its label, skipping text and RFC 1421 headers", () => {
    const text = [
      "subject=CN=Example",
      writePemBlock("CERTIFICATE", Uint8Array.of(1, 2, 3)).trimEnd(),
      "garbage in between",
      "-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\nDEK-Info: AES-128-CBC,00\r\n\r\nBAU=\r\n-----END RSA PRIVATE KEY-----",
      writePemBlock("PKCS7", Uint8Array.of(9)),
    ].join("\n");
    expect(readPemBlocks(text)).toEqual([
      { label: "CERTIFICATE", der: Uint8Array.of(1, 2, 3) },
      { label: "RSA PRIVATE KEY", der: Uint8Array.of(4, 5) },
      { label: "PKCS7", der: Uint8Array.of(9) },
    ]);
  });

  it("keeps a block with a body that is not base64, empty, so that the caller can report it", () => {
    expect(readPemBlocks("-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----")).toEqual([
      { label: "CERTIFICATE", der: new Uint8Array(0) },
    ]);
  });

  it("ignores mismatched BEGIN/END pairs", () => {
    expect(readPemBlocks("-----BEGIN CERTIFICATE-----\nAQ==\n-----END PKCS7-----")).toEqual([]);
  });

  it("writes 64-character lines and detects PEM in text and bytes", () => {
    const pem = writePemBlock("CERTIFICATE REQUEST", new Uint8Array(100).fill(7));
    expect(pem.split("\n").map((l) => l.length)).toEqual([35, 64, 64, 8, 33, 0]);
    expect(looksLikePem(pem)).toBe(true);
    expect(looksLikePem(new TextEncoder().encode(`\uFEFF${pem}`))).toBe(true);
    expect(looksLikePem(Uint8Array.of(0x30, 0x82))).toBe(false);
  });
});
