// One measurement in a fresh process, so peak RSS belongs to this operation alone.
// Prints one JSON line: { ms, peakRssMb, baseRssMb }.
import { createHash, createPrivateKey, sign } from "node:crypto";
import fs from "node:fs";
import { PDFDocument } from "pdf-lib";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { P12Signer } from "@signpdf/signer-p12";
import { LocalKeyBackend } from "@/lib/engine/keys/local";
import { parseCertificates } from "@/lib/engine/pki";
import { isolationSettings, verificationPool, verifyIsolated } from "@/lib/public-verify/isolated-verify";
import { PUBLIC_VERIFY_LIMITS } from "@/lib/public-verify/verify-upload";
import { sealPdf, startOriginalDigest } from "@/lib/engine/seal";
import { OutputFile, readInput } from "@/cli/commands/seal-files";

type Scenario = "floor" | "signet-seal" | "naive" | "floor-verify" | "signet-verify" | "public-verify";
const [scenario, input, output, keyPem, certPem, p12] = process.argv.slice(2) as [
  Scenario,
  string,
  string,
  string,
  string,
  string,
];

const key = fs.readFileSync(keyPem, "utf8");
const cert = fs.readFileSync(certPem, "utf8");

async function run(): Promise<void> {
  switch (scenario) {
    case "floor": {
      // The least any sealer must do: read, hash everything, sign once, write.
      const bytes = fs.readFileSync(input);
      const digest = createHash("sha256").update(bytes).digest();
      sign("sha256", digest, createPrivateKey(key));
      fs.writeFileSync(output, bytes);
      return;
    }
    case "floor-verify": {
      const bytes = fs.readFileSync(input);
      createHash("sha256").update(bytes).digest();
      return;
    }
    case "signet-seal": {
      // As `signet seal` does: the input read once, hashed and written to the output as it is read.
      fs.rmSync(output, { force: true });
      const file = await OutputFile.create(output);
      const originalDigest = startOriginalDigest();
      const { bytes, mode } = await readInput(input, { digest: originalDigest, output: file });
      const result = await sealPdf(bytes, {
        backend: LocalKeyBackend.fromKeyFile(key),
        certificate: parseCertificates(cert)[0]!,
        originalDigest,
      });
      file.write(result.update, bytes.length);
      await file.commit(mode);
      return;
    }
    case "signet-verify": {
      const { verifyPdf } = await import("@/lib/engine/verify");
      const report = await verifyPdf(fs.readFileSync(input), {});
      if (report.signatures.length === 0) throw new Error("no signature found");
      return;
    }
    case "public-verify": {
      // As the public page does: in a warm worker thread (the server's steady state), the file's memory handed over.
      const bytes = fs.readFileSync(input);
      const report = await verifyIsolated(
        { pdf: bytes, trustAnchors: [], now: new Date().toISOString(), limits: PUBLIC_VERIFY_LIMITS },
        publicPool!,
        { handOverPdf: true },
      );
      if (report.report.signatures.length === 0) throw new Error("no signature found");
      return;
    }
    case "naive": {
      // What peers ship: pdf-lib load + placeholder + full save, then @signpdf with its P12 signer.
      const pdfDoc = await PDFDocument.load(fs.readFileSync(input));
      pdflibAddPlaceholder({ pdfDoc, reason: "bench", contactInfo: "", name: "bench", location: "" });
      const withPlaceholder = Buffer.from(await pdfDoc.save({ useObjectStreams: false }));
      const signed = await new SignPdf().sign(
        withPlaceholder,
        new P12Signer(fs.readFileSync(p12), { passphrase: "bench" }),
      );
      fs.writeFileSync(output, signed);
      return;
    }
  }
}

// A warm worker, as in a server that has verified before: its start-up is not measured.
const publicPool = scenario === "public-verify" ? verificationPool(isolationSettings(1)) : undefined;
await publicPool
  ?.run({ pdf: new Uint8Array(0), trustAnchors: [], now: new Date().toISOString(), limits: {} })
  .catch(() => undefined);

const baseRssMb = process.memoryUsage().rss / 2 ** 20;
const started = process.hrtime.bigint();
await run();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
await publicPool?.close();
console.log(JSON.stringify({ ms, peakRssMb: highWaterMarkMb(), baseRssMb }));

/** Peak RSS of this process image. (getrusage's maxRSS would include the parent's RSS at fork time.) */
function highWaterMarkMb(): number {
  const line = fs
    .readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  const kb = Number(line?.match(/(\d+)/)?.[1]);
  return Number.isFinite(kb) ? kb / 1024 : process.resourceUsage().maxRSS / 1024;
}
