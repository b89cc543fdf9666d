/**
 * `signet verify IN.pdf|- [--trust CA.pem]… [--no-trust-check] [--json]`
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
import { isSignetError } from "@/lib/engine/errors";
import { formatReportText, unreadableMessage, verifyPdf, type VerificationReport } from "@/lib/engine/verify";
import type { Certificate } from "@/lib/engine/pki";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";
import { systemTrustStore } from "@/cli/system-trust-store";

const USAGE = "usage: signet verify IN.pdf [--trust CA.pem]... [--no-trust-check] [--json]";

const HELP = `${USAGE}

Checks every signature and document timestamp of IN.pdf and explains the verdict: the
document's first, then one block per signature (signer, chain and trust, signing time,
integrity, byte range, what changed after it, PAdES level).

  IN.pdf                the PDF to verify; "-" reads it from standard input
  --trust CA.pem        a trusted root (or other CA) certificate, PEM (several per file) or DER;
                        repeat for more. Without it, signers are checked against the operating
                        system's trust store (SSL_CERT_FILE, else /etc/ssl/certs/ca-certificates.crt
                        or the distribution's bundle, else the roots bundled with Node.js)
  --no-trust-check      check integrity only: whoever made the signer's certificate, a valid
                        signature reads "trust NOT checked" (JSON: "trustCheck": {"mode": "skipped"})
  --json                the report as JSON on standard output (an error as {"error": {code, message}})
  -h, --help            this help

Exit codes: 0 every signature is valid and its signer trusted (with --no-trust-check: intact),
and nothing but later signatures, DSS or document timestamps was added after the first;
1 a signature is invalid, untrusted or indeterminate, the file holds no signature, or it was
changed after sealing; 2 the file (or a --trust file) cannot be read, or the command line is wrong.
`;

/** Every option of the command; the help describes each (cli/signet.test.ts checks it). */
export const VERIFY_OPTIONS = {
  trust: { type: "string", multiple: true },
  "no-trust-check": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Which roots the signers were checked against; printed with the report, and in its JSON. */
type TrustCheck =
  | { mode: "given" }
  | { mode: "system"; source: string; description: string; certificates: number }
  | { mode: "skipped" };

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
      io.stdout(HELP);
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
      trustCheck = {
        mode: "system",
        source: store.source,
        description: store.description,
        certificates: store.certificates.length,
      };
    }
    const fromStdin = parsed.file === "-";
    const fileName = fromStdin ? "(standard input)" : parsed.file;
    let pdf: Uint8Array;
    try {
      // a Buffer is a Uint8Array: no copy of a possibly large file
      pdf = fromStdin ? await readStandardInput(io) : await readFile(parsed.file);
    } catch (error) {
      return fail(`cannot read ${fileName}: ${describeFsError(error)}`, "verify.file_unreadable");
    }

    let report: VerificationReport;
    try {
      report = await verifyPdf(pdf, { trustAnchors });
    } catch (error) {
      if (isSignetError(error)) {
        const subject = error.code.startsWith("certificate.") ? "a --trust file" : fileName;
        return fail(`${subject}: ${unreadableMessage(error)}`, error.code);
      }
      return fail(`${fileName}: the file could not be verified (${String(error)})`, "verify.failed");
    }
    io.stdout(
      parsed.json
        ? `${JSON.stringify({ ...report, trustCheck }, null, 2)}\n`
        : withTrustNote(formatReportText(report, { fileName }), trustCheck),
    );
    return report.summary.exitCode;
  },
};

type ParsedArgs = { file: string; trust: string[]; noTrustCheck: boolean; json: boolean };

function parseCommandLine(args: string[]): ParsedArgs {
  if (wantsHelp(args)) return { file: "--help", trust: [], noTrustCheck: false, json: false };
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: VERIFY_OPTIONS,
  });
  if (values.help) return { file: "--help", trust: [], noTrustCheck: false, json: false };
  if (positionals.length !== 1)
    throw new Error(positionals.length === 0 ? "no PDF file given" : "give exactly one PDF file");
  const noTrustCheck = values["no-trust-check"] ?? false;
  if (noTrustCheck && values.trust !== undefined) throw new Error("give --trust or --no-trust-check, not both");
  return { file: positionals[0] as string, trust: values.trust ?? [], noTrustCheck, json: values.json ?? false };
}

/** The report's second line (the counts) says which roots were used, or that none were. */
function withTrustNote(text: string, trust: TrustCheck): string {
  const lines = text.split("\n");
  const counts = (lines[1] ?? "").replace(/; no trusted certificates given \(--trust\), so trust was not checked$/, "");
  if (trust.mode === "skipped") lines[1] = `${counts}; trust NOT checked (--no-trust-check): the signer may be anyone`;
  if (trust.mode === "system")
    lines[1] = `${counts}; trusted roots: ${trust.description}, ${trust.certificates} certificate${trust.certificates === 1 ? "" : "s"}`;
  return lines.join("\n");
}

async function readStandardInput(io: CommandIo): Promise<Uint8Array> {
  if (io.readStdin === undefined) throw new Error("standard input cannot be read here");
  return io.readStdin();
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
