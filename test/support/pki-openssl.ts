/** Independent checks with the openssl CLI, for tests. */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface OpensslResult {
  ok: boolean;
  output: string;
}

function runOpenssl(args: string[]): Promise<OpensslResult> {
  return new Promise((resolve) => {
    execFile("openssl", args, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }));
  });
}

async function withFiles<T>(files: Record<string, Uint8Array | string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "signet-openssl-"));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `openssl cms -verify -binary -inform DER -in sig.der -content data.bin -CAfile root.pem -purpose any` */
export function opensslCmsVerify(cms: Uint8Array, content: Uint8Array, caPem: string): Promise<OpensslResult> {
  return withFiles({ "sig.der": cms, "data.bin": content, "root.pem": caPem }, (dir) =>
    runOpenssl([
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      path.join(dir, "sig.der"),
      "-content",
      path.join(dir, "data.bin"),
      "-CAfile",
      path.join(dir, "root.pem"),
      "-purpose",
      "any",
      "-out",
      path.join(dir, "out.bin"),
    ]),
  );
}

/** `openssl ts -verify -token_in -in token.der -data data.bin -CAfile root.pem` */
export function opensslTsVerify(token: Uint8Array, data: Uint8Array, caPem: string): Promise<OpensslResult> {
  return withFiles({ "token.der": token, "data.bin": data, "root.pem": caPem }, (dir) =>
    runOpenssl([
      "ts",
      "-verify",
      "-token_in",
      "-in",
      path.join(dir, "token.der"),
      "-data",
      path.join(dir, "data.bin"),
      "-CAfile",
      path.join(dir, "root.pem"),
    ]),
  );
}

/** `openssl asn1parse` text, for debugging failing tests. */
export function opensslAsn1parse(der: Uint8Array): Promise<OpensslResult> {
  return withFiles({ "x.der": der }, (dir) =>
    runOpenssl(["asn1parse", "-inform", "DER", "-i", "-in", path.join(dir, "x.der")]),
  );
}
