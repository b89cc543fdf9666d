/**
 * `signet verify IN.pdf [--trust CA.pem]… [--json]`
 *
 * Exit codes: 0 every signature is valid (and trusted, when --trust is given) and
 * nothing but later signatures, DSS or document timestamps was appended after the
 * first one; 1 a signature is invalid, untrusted or indeterminate, the file holds
 * no signature, or it was changed after sealing; 2 the file (or a --trust file)
 * cannot be read, or the command line is wrong. Errors are one line on stderr.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isSignetError } from "@/lib/errors";
import { formatReportText, unreadableMessage, verifyPdf, type VerificationReport } from "@/lib/verify";
import type { Command, CommandIo } from "../command";

const USAGE = "usage: signet verify IN.pdf [--trust CA.pem]... [--json]";

export const verifyCommand: Command = {
  name: "verify",
  summary: "Check the signatures of a PDF and explain the verdict",
  async run(args: string[], io: CommandIo): Promise<number> {
    let parsed: { file: string; trust: string[]; json: boolean };
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

    const trustAnchors: Uint8Array[] = [];
    for (const path of parsed.trust) {
      try {
        trustAnchors.push(new Uint8Array(await readFile(path)));
      } catch (error) {
        return fail(`cannot read trust file ${path}: ${describeFsError(error)}`, "verify.trust_unreadable");
      }
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
    io.stdout(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report, { fileName: parsed.file }));
    return report.summary.exitCode;
  },
};

function parseCommandLine(args: string[]): { file: string; trust: string[]; json: boolean } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { trust: { type: "string", multiple: true }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return { file: "--help", trust: [], json: false };
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? "no PDF file given" : "give exactly one PDF file");
  return { file: positionals[0] as string, trust: values.trust ?? [], json: values.json ?? false };
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
