import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { isSignetError, SignetError } from "@/lib/errors";
import type { HashAlgorithm, KeyBackend } from "@/lib/keys/key-backend";
import { LocalKeyBackend } from "@/lib/keys/local/local-key-backend";
import { loadPkcs12 } from "@/lib/keys/local/pkcs12";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/pki/certificate";
import { sealPdf } from "@/lib/seal/seal-pdf";
import { HttpTimestamper } from "@/lib/tsa/http-timestamper";
import type { Command, CommandIo } from "../command";

const USAGE = `usage: signet seal IN.pdf -o OUT.pdf (--key KEY.pem | --p12 FILE.p12) [--password-env VAR] --cert CERT.pem
         [--chain CHAIN.pem] [--tsa URL] [--visible page=N,x=X,y=Y,w=W,h=H] [--image SEAL.png|SEAL.jpg]
         [--name TEXT] [--organisation TEXT] [--licence TEXT] [--jurisdiction TEXT] [--reason TEXT] [--location TEXT]
         [--hash sha256|sha384|sha512]
`;

class UsageError extends Error {}

export const sealCommand: Command = {
  name: "seal",
  summary: "seal a PDF with a PAdES signature (incremental update)",
  async run(args: string[], io: CommandIo): Promise<number> {
    let output: string | undefined;
    let temporary: string | undefined;
    try {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          output: { type: "string", short: "o" },
          key: { type: "string" },
          p12: { type: "string" },
          "password-env": { type: "string" },
          cert: { type: "string" },
          chain: { type: "string" },
          tsa: { type: "string" },
          visible: { type: "string" },
          image: { type: "string" },
          name: { type: "string" },
          organisation: { type: "string" },
          licence: { type: "string" },
          jurisdiction: { type: "string" },
          reason: { type: "string" },
          location: { type: "string" },
          hash: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      });
      if (values.help) {
        io.stdout(USAGE);
        return 0;
      }
      const input = positionals[0];
      output = values.output;
      if (input === undefined || positionals.length > 1) throw new UsageError("give exactly one input PDF");
      if (output === undefined) throw new UsageError("give the output file with -o OUT.pdf");
      if ((values.key === undefined) === (values.p12 === undefined)) throw new UsageError("give either --key or --p12");

      const password = values["password-env"] === undefined ? undefined : readPasswordEnv(values["password-env"]);
      const { backend, certificate, chain } = loadSigner(values.key, values.p12, password, values.cert, values.chain);
      const inputStat = fs.statSync(input, { throwIfNoEntry: false });
      const pdf = readFile(input, "input PDF");
      const result = await sealPdf(pdf, {
        backend,
        certificate,
        chain,
        hash: parseHash(values.hash),
        timestamper: values.tsa === undefined ? undefined : new HttpTimestamper({ url: values.tsa }),
        placement: values.visible === undefined ? undefined : parsePlacement(values.visible),
        signer: {
          name: values.name,
          organisation: values.organisation,
          licence: values.licence,
          jurisdiction: values.jurisdiction,
          image: values.image === undefined ? undefined : readImage(values.image),
        },
        reason: values.reason,
        location: values.location,
      });
      temporary = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.partial`);
      writeSealed(input, inputStat, pdf.length, result.update, temporary);
      fs.renameSync(temporary, output);
      temporary = undefined;
      io.stdout(`sealed ${input} → ${output} (field ${result.fieldName}, certificate ${result.certificateFingerprint.slice(0, 16)}…${result.timestamp ? `, timestamp ${result.timestamp.genTime.toISOString()}` : ""})\n`);
      return 0;
    } catch (error) {
      if (temporary !== undefined) fs.rmSync(temporary, { force: true });
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
        io.stderr(`signet seal: ${(error as Error).message}\n${USAGE}`);
        return 2;
      }
      io.stderr(`signet seal: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`);
      return 1;
    }
  },
};

/**
 * The sealed file is the input followed by the update: copy the input in the kernel
 * (copy_file_range, or a reflink where the file system has them) and append, rather than
 * writing a second copy of a possibly large document from memory.
 */
function writeSealed(input: string, before: fs.Stats | undefined, sealedLength: number, update: Uint8Array, target: string): void {
  fs.copyFileSync(input, target, fs.constants.COPYFILE_EXCL);
  const after = fs.statSync(input);
  if (before === undefined || after.size !== sealedLength || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino || fs.statSync(target).size !== sealedLength) {
    throw new SignetError("cli.input_changed", `${input} changed while it was being sealed; nothing was written. Seal it again.`);
  }
  fs.appendFileSync(target, update);
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new SignetError("cli.input", `cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readPasswordEnv(variable: string): string {
  const value = process.env[variable];
  if (value === undefined) throw new UsageError(`the environment variable ${variable} (--password-env) is not set`);
  return value;
}

function loadSigner(key: string | undefined, p12: string | undefined, password: string | undefined, cert: string | undefined, chainFile: string | undefined): { backend: KeyBackend; certificate: Certificate; chain: Certificate[] } {
  const extraChain = chainFile === undefined ? [] : parseCertificates(readFile(chainFile, "certificate chain"));
  if (p12 !== undefined) {
    const contents = loadPkcs12(readFile(p12, "PKCS#12 file"), password ?? "", { description: `PKCS#12 file ${path.basename(p12)}` });
    const certificate = cert === undefined ? parseCertificate(contents.certificate) : firstCertificate(cert);
    return { backend: contents.backend, certificate, chain: [...contents.chain.map(parseCertificate), ...extraChain] };
  }
  if (cert === undefined) throw new UsageError("--key needs --cert CERT.pem");
  const backend = LocalKeyBackend.fromKeyFile(readFile(key!, "key file"), { passphrase: password, description: `key file ${path.basename(key!)}` });
  const [certificate, ...rest] = parseCertificates(readFile(cert, "certificate"));
  if (certificate === undefined) throw new UsageError(`${cert} holds no certificate`);
  return { backend, certificate, chain: [...rest, ...extraChain] };
}

function firstCertificate(file: string): Certificate {
  const [certificate] = parseCertificates(readFile(file, "certificate"));
  if (certificate === undefined) throw new UsageError(`${file} holds no certificate`);
  return certificate;
}

function parseHash(value: string | undefined): HashAlgorithm {
  const hashes: Record<string, HashAlgorithm> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
  if (value === undefined) return "SHA-256";
  const hash = hashes[value.toLowerCase().replace("-", "")];
  if (hash === undefined) throw new UsageError(`--hash must be sha256, sha384 or sha512`);
  return hash;
}

/** "page=1,x=400,y=40,w=160,h=70" */
export function parsePlacement(spec: string): { page: number; rect: { x: number; y: number; width: number; height: number } } {
  const fields = new Map(spec.split(",").map((part) => part.split("=", 2).map((s) => s.trim()) as [string, string | undefined]));
  const number = (key: string): number => {
    const raw = fields.get(key);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`--visible needs page=N,x=X,y=Y,w=W,h=H (missing or bad "${key}")`);
    return value;
  };
  const page = number("page");
  if (!Number.isInteger(page) || page < 1) throw new UsageError("--visible page must be a page number from 1");
  return { page, rect: { x: number("x"), y: number("y"), width: number("w"), height: number("h") } };
}

function readImage(file: string): { bytes: Uint8Array; type: "png" | "jpeg" } {
  const bytes = readFile(file, "seal image");
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return { bytes, type: "png" };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { bytes, type: "jpeg" };
  throw new UsageError(`${file} is neither a PNG nor a JPEG image`);
}
