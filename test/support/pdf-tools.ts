import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

export interface QpdfCheck {
  status: number;
  /** WARNING/ERROR lines with the file name removed, excluding linearization-only remarks. */
  problems: string[];
}

/** The run's shared scratch folder (vitest-global-setup.ts), or undefined outside a vitest run. */
function qpdfCacheDir(): string | undefined {
  try {
    return inject("qpdfCacheDir");
  } catch {
    return undefined;
  }
}

/**
 * Runs `qpdf --check` on bytes. The verdict depends only on the bytes, so within one test run it
 * is computed once per content (SHA-256) and shared by every worker: the corpus originals (qpdf
 * inflates the 1 GiB bombs, about 15 s each) are checked by several test files.
 */
export function qpdfCheck(bytes: Uint8Array): QpdfCheck {
  const dir = qpdfCacheDir();
  if (dir === undefined) return runQpdfCheck(bytes);
  const cached = path.join(dir, `${createHash("sha256").update(bytes).digest("hex")}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8")) as QpdfCheck;
  const check = runQpdfCheck(bytes);
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(check));
  renameSync(partial, cached);
  return check;
}

function runQpdfCheck(bytes: Uint8Array): QpdfCheck {
  const dir = mkdtempSync(path.join(tmpdir(), "signet-qpdf-"));
  try {
    const file = path.join(dir, "in.pdf");
    writeFileSync(file, bytes);
    const result = spawnSync("qpdf", ["--check", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const text = `${result.stdout}\n${result.stderr}`.split(file).join("FILE");
    const problems = text
      .split("\n")
      .filter((line) => /WARNING|ERROR|error|damaged|unreachable/i.test(line))
      .filter((line) => !/No syntax or stream encoding errors found|errors that qpdf cannot detect/.test(line))
      // Linearization hint tables only describe the original revision; an update makes the file non-linearized.
      .filter((line) => !/linearization|hint table|shared identifier|shared object/i.test(line))
      .map((line) => line.trim());
    return { status: result.status ?? -1, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders one page with pdftoppm; returns the PNG path (kept) and the decoded PPM pixels. */
export function renderPage(
  bytes: Uint8Array,
  page: number,
  outPrefix: string,
  options: { cropBox?: boolean; dpi?: number } = {},
): { png: string; width: number; height: number; rgb: Uint8Array } {
  const dir = mkdtempSync(path.join(tmpdir(), "signet-render-"));
  try {
    const input = path.join(dir, "in.pdf");
    writeFileSync(input, bytes);
    const dpi = String(options.dpi ?? 50);
    const common = [
      "-r",
      dpi,
      "-f",
      String(page),
      "-l",
      String(page),
      "-singlefile",
      ...(options.cropBox ? ["-cropbox"] : []),
    ];
    const png = spawnSync("pdftoppm", ["-png", ...common, input, outPrefix], { encoding: "utf8" });
    if (png.status !== 0) throw new Error(`pdftoppm failed: ${png.stderr}`);
    const ppmPrefix = path.join(dir, "page");
    const ppm = spawnSync("pdftoppm", [...common, input, ppmPrefix], { encoding: "utf8" });
    if (ppm.status !== 0) throw new Error(`pdftoppm failed: ${ppm.stderr}`);
    return { png: `${outPrefix}.png`, ...parsePpm(readFileSync(`${ppmPrefix}.ppm`)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parsePpm(data: Buffer): { width: number; height: number; rgb: Uint8Array } {
  // "P6\n<w> <h>\n255\n" then RGB triplets.
  const header: string[] = [];
  let pos = 0;
  while (header.length < 4) {
    while (data[pos] === 0x20 || data[pos] === 0x0a) pos++;
    let end = pos;
    while (data[end] !== 0x20 && data[end] !== 0x0a) end++;
    header.push(data.subarray(pos, end).toString("latin1"));
    pos = end;
  }
  pos++;
  return { width: Number(header[1]), height: Number(header[2]), rgb: data.subarray(pos) };
}
