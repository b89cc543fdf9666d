/**
 * An NSS certificate database for `pdfsig -nssdir sql:DIR`, trusting the given
 * root certificates (CT,C,C). NSS cannot use a self-signed end-entity certificate
 * as an anchor, so only CA certificates belong here.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface NssDb {
  dir: string;
  /** Value for pdfsig's -nssdir. */
  nssdir: string;
}

export async function createNssDb(roots: readonly { name: string; pem: string }[], parent = tmpdir()): Promise<NssDb> {
  const dir = await mkdtemp(path.join(parent, "signet-nss-"));
  await run("certutil", ["-N", "-d", `sql:${dir}`, "--empty-password"]);
  for (const [i, root] of roots.entries()) {
    const file = path.join(dir, `root-${i}.pem`);
    await writeFile(file, root.pem);
    await run("certutil", ["-A", "-n", root.name, "-t", "CT,C,C", "-i", file, "-d", `sql:${dir}`]);
  }
  return { dir, nssdir: `sql:${dir}` };
}

/** Runs pdfsig against the database; resolves with its output whatever the exit code. */
export function pdfsig(db: NssDb, pdfPath: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile("pdfsig", ["-nssdir", db.nssdir, pdfPath], (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}
