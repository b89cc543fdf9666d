import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { runSignetInProcess } from "@/test/support/run-signet-cli";
import { startTestS3, type TestS3Server } from "@/test/support/s3-server";

// `signet documents migrate` in-process (cli/main.ts on buffers), with the real @aws-sdk/client-s3
// against test/support/s3-server.ts, on an embedded database the command opens and closes itself.
let dataDir: string;
let server: TestS3Server;
const BUCKET = "signet-migrated";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const files: { key: string; bytes: Buffer }[] = [];

const pglite = () => ({ kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") });
const signet = (args: string[], env: Record<string, string> = {}) =>
  runSignetInProcess(args, {
    DATABASE_URL: "",
    SIGNET_DATA_DIR: dataDir,
    SIGNET_DOCUMENT_DIR: "",
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    ...env,
  });
const target = (prefix: string) => [
  "documents",
  "migrate",
  "--to",
  `s3://${BUCKET}/${prefix}`,
  "--endpoint",
  server.endpoint,
  "--region",
  server.region,
];

/** Records a document (and, with `sealed`, a seal) whose file is `bytes`, written through the local store. */
async function recordFiles(documents: { original: Buffer; sealed?: Buffer; recordedSha256?: string }[]): Promise<void> {
  const store = new LocalDocumentStore(path.join(dataDir, "documents"));
  const database = await openDatabase(pglite());
  try {
    const orgId = randomUUID();
    const userId = randomUUID();
    for (const { original, sealed, recordedSha256 } of documents) {
      const stored = await store.put([original]);
      files.push({ key: stored.key, bytes: original });
      const document = await database.db.document.create({
        data: {
          orgId,
          uploadedById: userId,
          fileName: "a.pdf",
          size: stored.size,
          sha256: recordedSha256 ?? stored.sha256,
          storageKey: stored.key,
        },
      });
      if (sealed === undefined) continue;
      const sealedStored = await store.put([original, sealed.subarray(original.byteLength)]);
      files.push({ key: sealedStored.key, bytes: sealed });
      const batch = await database.db.sealBatch.create({
        data: {
          orgId,
          sealedById: userId,
          certificateId: randomUUID(),
          challengeId: randomUUID(),
          stepUpMethod: "passkey",
        },
      });
      await database.db.seal.create({
        data: {
          orgId,
          documentId: document.id,
          batchId: batch.id,
          certificateId: batch.certificateId,
          certificateSha256: "0".repeat(64),
          fieldName: "Signature1",
          sealedSha256: sealedStored.sha256,
          storageKey: sealedStored.key,
          size: sealedStored.size,
          sealedById: userId,
        },
      });
    }
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-migrate-"));
  const session = await openSqlSession(pglite());
  await migrate(session);
  await session.close();
  server = await startTestS3();
  server.createBucket(BUCKET);
  const original = randomBytes(9 * 1024 * 1024); // over one 8 MiB part: goes up as a multipart upload
  await recordFiles([
    { original, sealed: Buffer.concat([original, randomBytes(40_000)]) },
    { original: randomBytes(1000) },
  ]);
}, 120_000);
afterAll(async () => {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("signet documents migrate", () => {
  it("copies every recorded original and sealed file under the same key, checks each SHA-256, and skips them the second time", async () => {
    const result = await signet(target("prod/"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^3 recorded file\(s\) from .*documents to s3:\/\/signet-migrated\/prod\/ at http:\/\/127\.0\.0\.1:\d+: 3 copied \(18\.\d MB\), 0 already there, 0 failed\.\n/,
    );
    expect(result.stdout).toContain("Set SIGNET_DOCUMENT_STORE=s3://signet-migrated/prod/ and restart Signet.");
    const objects = server.objects(BUCKET);
    for (const { key, bytes } of files) {
      expect(sha256(objects.get(`prod/${key}`)!.body)).toBe(sha256(bytes));
    }
    expect([...objects.values()].filter((object) => object.parts > 0)).toHaveLength(2);
    expect(server.uploads.size).toBe(0);

    const since = server.requests.length;
    const again = await signet(target("prod/"));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/: 0 copied \(0 bytes\), 3 already there, 0 failed\./);
    const operations = server.requests.slice(since).map((request) => request.operation);
    expect(operations).not.toContain("PutObject");
    expect(operations).not.toContain("CreateMultipartUpload");
    // The local files stay where they were.
    const local = new LocalDocumentStore(path.join(dataDir, "documents"));
    for (const { key } of files) expect(await local.has(key)).toBe(true);
  });

  it("replaces an object in the target whose bytes differ from the record", async () => {
    const objects = server.objects(BUCKET);
    const small = files.find(({ bytes }) => bytes.byteLength === 1000)!;
    const stale = objects.get(`prod/${small.key}`)!;
    objects.set(`prod/${small.key}`, { ...stale, body: Buffer.alloc(1000) });
    const result = await signet(target("prod/"));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/: 1 copied \(1000 bytes\), 2 already there, 0 failed\./);
    expect(sha256(objects.get(`prod/${small.key}`)!.body)).toBe(sha256(small.bytes));
  });

  it("reports a file whose bytes are not the recorded ones, or that is missing, copies the rest and exits 1", async () => {
    await recordFiles([{ original: randomBytes(500), recordedSha256: "f".repeat(64) }, { original: randomBytes(700) }]);
    const missing = files.at(-1)!;
    fs.rmSync(path.join(dataDir, "documents", missing.key.slice(0, 2), missing.key));
    const corrupt = files.at(-2)!;
    const result = await signet(target("prod/"));
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^5 recorded file\(s\) .*: 0 copied \(0 bytes\), 3 already there, 2 failed\.\n$/);
    expect(result.stderr).toContain(`original`);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\(key ${corrupt.key}\\): the source file's SHA-256 is ${sha256(corrupt.bytes)}, not the recorded f{64}; nothing was kept`,
      ),
    );
    expect(result.stderr).toMatch(new RegExp(`\\(key ${missing.key}\\): The stored file of this document is missing`));
    expect(server.objects(BUCKET).has(`prod/${corrupt.key}`)).toBe(false);
    expect(server.objects(BUCKET).has(`prod/${missing.key}`)).toBe(false);
    expect(server.uploads.size).toBe(0);
  });

  it("stops with a clear message when the target refuses the credentials, naming none of them", async () => {
    const result = await signet(target("denied/"), {
      AWS_ACCESS_KEY_ID: server.deniedCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.deniedCredentials.secretAccessKey,
    });
    expect(result.status).toBe(1);
    // One line: the refusal is the target's, not any one file's.
    expect(result.stderr).toMatch(
      /^signet documents migrate: The document store refused access \(s3:\/\/signet-migrated\/denied\/ at [^)]+\): HTTP 403\. Check the AWS credentials/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr + result.stdout).not.toContain(server.deniedCredentials.secretAccessKey);
    expect([...server.objects(BUCKET).keys()].some((name) => name.startsWith("denied/"))).toBe(false);
  });

  it("exits 2 on usage errors, and its help describes every option", async () => {
    expect((await signet(["documents", "migrate"])).status).toBe(2);
    expect((await signet(["documents", "migrate", "--to", "/mnt/x"])).stderr).toMatch(/--to: expected s3:\/\/BUCKET/);
    expect(
      (await signet(["documents", "migrate", "--to", "s3://b-1/x", "--sse", "rot13", "--region", "x"])).status,
    ).toBe(2);
    expect((await signet(["documents", "migrate", "--to", "s3://b-1/x", "--nonsense"])).status).toBe(2);
    expect((await signet(["documents", "nonsense"])).status).toBe(2);
    const help = await signet(["documents", "migrate", "--help"]);
    expect(help.status).toBe(0);
    for (const option of ["to", "endpoint", "region", "sse", "sse-kms-key-id", "help"])
      expect(help.stdout).toMatch(new RegExp(`^ +(-\\w, )?--${option}\\b.*\\S{3,}`, "m"));
    expect((await signet(["--help"])).stdout).toMatch(/^ {2}documents +document storage/m);
  });
});
