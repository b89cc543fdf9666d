/**
 * POST /api/v1/verify, called as Next.js calls it (a Request in, a Response out), on a test
 * database installed as the process's database. Lives here because vitest runs lib/ tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/v1/verify/route";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { verifyCommand } from "@/cli/commands/verify";
import { sealForTest } from "@/test/support/pdf-fixtures/seal-for-test";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { getTestPki } from "@/test/support/pki-fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { log } from "@/lib/log/logger";

let t: TestDatabase;
let sealed: Uint8Array;
let rootPem: string;
const dir = mkdtempSync(path.join(tmpdir(), "signet-verify-route-"));
const env = { ...process.env };

beforeAll(async () => {
  t = await createTestDatabase();
  (globalThis as Record<symbol, unknown>)[Symbol.for("signet.database")] = Promise.resolve(t);
  const pki = await getTestPki();
  rootPem = pki.chainPem;
  // An organisation registered the test CA's chain with its certificate: Signet trusts it.
  const org = await t.db.organization.create({ data: { name: "Alpha Structural" } });
  const user = await t.db.user.create({ data: { email: "olivia@example.test", name: "Olivia", passwordHash: "x" } });
  const key = await t.db.signingKey.create({
    data: {
      orgId: org.id,
      label: "k",
      backend: "PLATFORM",
      algorithm: "EC-P256",
      publicKey: Buffer.from([1]),
      publicKeySha256: "x",
      createdById: user.id,
    },
  });
  await t.db.signingCertificate.create({
    data: {
      orgId: org.id,
      keyId: key.id,
      der: Buffer.from(pki.intermediate.certDer),
      chainPem: pki.chainPem,
      sha256: "0".repeat(64),
      subject: "CN=x",
      issuer: "CN=x",
      serialHex: "01",
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      selfSigned: false,
      createdById: user.id,
    },
  });
  sealed = await sealForTest(
    new Uint8Array(readFileSync(corpusFiles().find((f) => f.id === "p06-reportlab-simple.pdf")!.path)),
    pki,
    await pki.leaf("ec256"),
  );
  process.env.SIGNET_PUBLIC_URL = "https://signet.example.com";
  process.env.SIGNET_VERIFY_RATE_LIMIT = "6";
  process.env.SIGNET_VERIFY_MAX_MB = "1";
}, 120_000);
afterAll(async () => {
  process.env = env;
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("signet.database")];
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: BodyInit | null, headers: Record<string, string> = {}, address = "192.0.2.10") =>
  POST(
    new Request("http://localhost/api/v1/verify", {
      method: "POST",
      body,
      headers: { "content-type": "application/pdf", [CLIENT_ADDRESS_HEADER]: address, ...headers },
    }),
  );

describe("POST /api/v1/verify", () => {
  it("answers with the JSON report of `signet verify --json`, plus Signet's records", async () => {
    const response = await post(Buffer.from(sealed));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const report = (await response.json()) as {
      signatures: Array<Record<string, unknown>>;
      verifiedAt: string;
      trustCheck: unknown;
    };

    const file = path.join(dir, "sealed.pdf");
    writeFileSync(file, sealed);
    writeFileSync(path.join(dir, "root.pem"), rootPem);
    let out = "";
    const code = await verifyCommand.run([file, "--trust", path.join(dir, "root.pem"), "--json"], {
      stdout: (s) => (out += s),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    const cli = JSON.parse(out) as typeof report;
    // The same report, field for field, except when it was made, what Signet's records add, and what trust was checked against.
    const strip = (r: typeof report) => ({
      ...r,
      verifiedAt: "",
      trustCheck: null,
      signatures: r.signatures.map(({ signet: _signet, ...s }) => s),
    });
    expect(strip(report)).toEqual(strip(cli));
    expect(report.trustCheck).toEqual({ mode: "signet" });
    expect(cli.trustCheck).toEqual({ mode: "given" });
    expect(report.signatures[0]!.signet).toMatchObject({
      inRecords: false,
      recognition: "organisation-ca",
      organisations: ["Alpha Structural"],
    });
  });

  it("refuses what is not a PDF (400), a wrong type (415), a body over the limit (413), in JSON", async () => {
    let response = await post("just some text");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "pdf.not_pdf", message: expect.stringMatching(/not a PDF/) },
    });

    response = await post(Buffer.from(sealed), { "content-type": "multipart/form-data; boundary=x" });
    expect(response.status).toBe(415);

    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(new TextEncoder().encode("%PDF-1.7\n"));
    response = await post(big, { "content-type": "application/octet-stream" });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/larger than 1 MB/);
  });

  it("answers 429 with Retry-After once an address used up its verifications; other addresses go on", async () => {
    // Four requests of 192.0.2.10 so far; the limit is six per 15 minutes.
    expect((await post(Buffer.from(sealed))).status).toBe(200);
    expect((await post("x")).status).toBe(400);
    const limited = await post(Buffer.from(sealed));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("verify.rate_limited");
    expect((await post(Buffer.from(sealed), {}, "192.0.2.11")).status).toBe(200);
  });

  it("answers 503 with Retry-After, every time, while the worker queue is full, and logs no error", async () => {
    const errors = vi.spyOn(log, "error");
    const warnings = vi.spyOn(log, "warn");
    // More requests at once than the workers and their queue (16) can take, each from its own address.
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(Buffer.from(sealed), {}, `198.51.100.${i + 1}`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const busy = responses.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const response of busy) {
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("verify.busy");
    }
    expect(errors).not.toHaveBeenCalled();
    // At most a warning, and never a stack.
    expect(JSON.stringify(warnings.mock.calls)).not.toMatch(/stack|at .+\.ts:\d+/);
    errors.mockRestore();
    warnings.mockRestore();
  }, 120_000);

  it("logs no error when the client is gone before its body arrived (the server cut it off, or it hung up)", async () => {
    const errors = vi.spyOn(log, "error");
    const connection = new AbortController();
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(stream) {
        if (pulls++ === 0) return stream.enqueue(new TextEncoder().encode("%PDF-1.7\n"));
        connection.abort();
        stream.error(new Error("aborted"));
      },
    });
    const request = new Request("http://localhost/api/v1/verify", {
      method: "POST",
      body,
      signal: connection.signal,
      duplex: "half",
      headers: { "content-type": "application/pdf", [CLIENT_ADDRESS_HEADER]: "192.0.2.99" },
    } as RequestInit);
    await POST(request);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
