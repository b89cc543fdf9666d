/**
 * `signet verify IN.pdf [--trust CA.pem]… [--no-trust-check] [--json]`
 *
 * Trust: the --trust files, or else the operating system's trust store; --no-trust-check
 * checks integrity only, and the text and JSON say so.
 *
 * Exit codes: 0 every signature is valid and trusted (or, with --no-trust-check, intact) and
 * nothing but later signatures, DSS or document timestamps was appended after the
 * first one; 1 a signature is invalid, untrusted or indeterminate, the file holds
 * no signature, or it was changed after sealing; 2 the file (or a --trust file)
 * cannot be read, or the command line is wrong. Errors are one line on stderr.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isSignetError } from "@/lib/errors";
import { formatReportText, unreadableMessage, verifyPdf, type VerificationReport } from "@/lib/verify";
import type { Certificate } from "@/lib/pki/certificate";
import type { Command, CommandIo } from "../command";
import { systemTrustStore } from "../system-trust-store";

const USAGE = "usage: signet verify IN.pdf [--trust CA.pem]... [--no-trust-check] [--json]";

/** Which roots the signers were checked against; printed with the report, and in its JSON. */
type TrustCheck = { mode: "given" } | { mode: "system"; source: string; description: string; certificates: number } | { mode: "skipped" };

export const verifyCommand: Command = {
  name: "verify",
  summary: "Check the signatures of a PDF and explain the verdict",
  async run(args: string[], io: CommandIo): Promise<number> {
    let parsed: ParsedArgs;
    try {
      parsed = parseCommandLine(args);
    } catch (error) {
      io.stderr(`signet verify: ${error instanceof Error ? error.message : String(error)} (${USAGE})\n`);
      return 2;
    }
    if (parsed.file === "--help") {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const fail = (message: string, code = "verify.unreadable"): number => {
      io.stderr(`signet verify: ${message}\n`);
      if (parsed.json) io.stdout(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
      return 2;
    };

    const trustAnchors: Array<Uint8Array | Certificate> = [];
    for (const path of parsed.trust) {
      try {
        trustAnchors.push(new Uint8Array(await readFile(path)));
      } catch (error) {
        return fail(`cannot read trust file ${path}: ${describeFsError(error)}`, "verify.trust_unreadable");
      }
    }
    let trustCheck: TrustCheck = { mode: parsed.noTrustCheck ? "skipped" : "given" };
    if (!parsed.noTrustCheck && parsed.trust.length === 0) {
      const store = systemTrustStore();
      trustAnchors.push(...store.certificates);
      trustCheck = { mode: "system", source: store.source, description: store.description, certificates: store.certificates.length };
    }
    let pdf: Uint8Array;
    try {
      pdf = await readFile(parsed.file); // a Buffer is a Uint8Array: no copy of a possibly large file
    } catch (error) {
      return fail(`cannot read ${parsed.file}: ${describeFsError(error)}`, "verify.file_unreadable");
    }

    let report: VerificationReport;
    try {
      report = await verifyPdf(pdf, { trustAnchors });
    } catch (error) {
      if (isSignetError(error)) {
        const subject = error.code.startsWith("certificate.") ? "a --trust file" : parsed.file;
        return fail(`${subject}: ${unreadableMessage(error)}`, error.code);
      }
      return fail(`${parsed.file}: the file could not be verified (${String(error)})`, "verify.failed");
    }
    io.stdout(parsed.json ? `${JSON.stringify({ ...report, trustCheck }, null, 2)}\n` : withTrustNote(formatReportText(report, { fileName: parsed.file }), trustCheck));
    return report.summary.exitCode;
  },
};

type ParsedArgs = { file: string; trust: string[]; noTrustCheck: boolean; json: boolean };

function parseCommandLine(args: string[]): ParsedArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { trust: { type: "string", multiple: true }, "no-trust-check": { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return { file: "--help", trust: [], noTrustCheck: false, json: false };
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? "no PDF file given" : "give exactly one PDF file");
  const noTrustCheck = values["no-trust-check"] ?? false;
  if (noTrustCheck && values.trust !== undefined) throw new Error("give --trust or --no-trust-check, not both");
  return { file: positionals[0] as string, trust: values.trust ?? [], noTrustCheck, json: values.json ?? false };
}

/** The report's second line (the counts) says which roots were used, or that none were. */
function withTrustNote(text: string, trust: TrustCheck): string {
  const lines = text.split("\n");
  const counts = (lines[1] ?? "").replace(/; no trusted certificates given \(--trust\), so trust was not checked$/, "");
  if (trust.mode === "skipped") lines[1] = `${counts}; trust NOT checked (--no-trust-check): the signer may be anyone`;
  if (trust.mode === "system") lines[1] = `${counts}; trusted roots: ${trust.description}, ${trust.certificates} certificate${trust.certificates === 1 ? "" : "s"}`;
  return lines.join("\n");
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
