import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getTestPki } from "@/test/support/pki-fixtures";
import { largePdf } from "./test-fixtures/large-pdf";
import { sealForTest } from "./test-fixtures/seal-for-test";
import { verifyPdf } from "./verify-pdf";

const dir = mkdtempSync(path.join(tmpdir(), "signet-verify-perf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describe("verifyPdf on a big file", () => {
  it("verifies a sealed 100 MB PDF in about the time of reading and hashing it", async () => {
    const pki = await getTestPki();
    const file = path.join(dir, "big.pdf");
    writeFileSync(file, await sealForTest(largePdf(100), pki, await pki.leaf("ec256")));

    const floor: number[] = [];
    const verify: number[] = [];
    for (let run = 0; run < 5; run++) {
      let t0 = performance.now();
      createHash("sha256").update(readFileSync(file)).digest();
      floor.push(performance.now() - t0);
      t0 = performance.now();
      const report = await verifyPdf(readFileSync(file), { trustAnchors: [pki.root.certPem] });
      verify.push(performance.now() - t0);
      expect(report.summary.exitCode).toBe(0);
    }
    const ratio = median(verify) / median(floor);
    console.info(`100 MB: floor (read + SHA-256) ${median(floor).toFixed(0)} ms, verify (read + verifyPdf) ${median(verify).toFixed(0)} ms, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeLessThan(2);
  }, 120_000);
});
