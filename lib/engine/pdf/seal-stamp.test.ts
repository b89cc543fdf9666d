import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectedQr, sampleQr } from "@/test/support/qr-render";
import { renderPage } from "@/test/support/pdf-tools";
import { drawSealStamp, stampLines, type SealStampContent } from "@/lib/engine/pdf/seal-stamp";

const dir = mkdtempSync(path.join(tmpdir(), "signet-stamp-qr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL = "https://signet.example.com/verify/8b0f6a52-3c1d-4a8e-9f7e-2d7c61a0b9c4";
const content: SealStampContent = {
  signerName: "Olivia Owner",
  organisation: "Acme Structural Engineers",
  sealedAt: new Date("2026-11-22T14:03:27Z"),
  fingerprint: "AB12 CD34 EF56 7890",
  verifyUrl: URL,
};

describe("the stamp's verification link", () => {
  it("is drawn as a QR code of the exact URL at the app's default stamp size (200 x 80 pt)", async () => {
    const pdf = await drawSealStamp(content, 200, 80);
    const render = renderPage(pdf, 1, path.join(dir, "default"), { dpi: 400 });
    const expected = expectedQr(URL);
    const modules = sampleQr(render, expected.length);
    expect(modules).toEqual(expected);
    // The code sits at the right, beside the text.
    expect(stampLines(content, { verifyUrlAsQr: true }).at(-1)?.text).toBe("Scan the code to verify");
  });

  it("falls back to the URL as text when the stamp is too small for a code", async () => {
    const pdf = await drawSealStamp(content, 90, 30);
    const render = renderPage(pdf, 1, path.join(dir, "small"), { dpi: 200 });
    expect(sampleQr(render, expectedQr(URL).length)).toBeNull();
    expect(stampLines(content).at(-1)?.text).toBe(URL);
  });
});
