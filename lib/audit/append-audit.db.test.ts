import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { createOrganisation } from "@/lib/auth/organisations";
import { completeSetup, setupInputSchema } from "@/lib/auth/setup";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { signetEdge } from "@/lib/http/signet-edge";
import { createLogger } from "@/lib/log/logger";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

let t: TestDatabase;
let server: http.Server | undefined;
let userId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  ({ userId } = await completeSetup(
    t.db,
    setupInputSchema.parse({
      organisationName: "Request Id Org",
      name: "Owner",
      email: "owner@request-id.example",
      password: "correct horse battery staple",
    }),
    { ip: null, userAgent: null },
  ));
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await t?.drop();
});

/** The request's headers as a route handler gets them (a Fetch Headers built from Node's). */
function fetchHeaders(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  return headers;
}

describe("the request id in the audit log", () => {
  it("is the id of the request that wrote the entry: the one on the answer and on its access-log line", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "info",
      destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
    });
    // Signet's edge in front of what the workspace's "new organisation" action does.
    const edge = signetEdge(
      async (req, res) => {
        const { orgId } = await createOrganisation(t.db, userId, "Second Org", requestMetaFrom(fetchHeaders(req)));
        res.end(orgId);
      },
      {
        maxUploadBytes: 1024,
        verifyMaxBytes: 1024,
        trustProxy: false,
        publicUrl: "http://localhost",
        dev: false,
        logger,
      },
    );
    server = http.createServer((req, res) => edge(req, res));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    const answer = await new Promise<{ requestId: string; orgId: string }>((resolve, reject) => {
      http
        .request(
          {
            host: "127.0.0.1",
            port,
            path: "/dashboard",
            method: "POST",
            headers: { "user-agent": "audit-test/1.0", "x-request-id": "forged-by-client" },
            agent: false,
          },
          (res) => {
            let orgId = "";
            res.on("data", (chunk: Buffer) => (orgId += chunk.toString()));
            res.on("end", () => resolve({ requestId: String(res.headers["x-request-id"]), orgId }));
          },
        )
        .on("error", reject)
        .end();
    });
    expect(answer.requestId).not.toBe("forged-by-client");

    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { orgId: answer.orgId, action: "org.created" } });
    expect((entry.data as { request: unknown }).request).toEqual({
      ip: "127.0.0.1",
      userAgent: "audit-test/1.0",
      requestId: answer.requestId,
    });
    await vi.waitFor(() => expect(lines.find((l) => l.kind === "access")).toBeDefined());
    expect(lines.find((l) => l.kind === "access")).toMatchObject({ requestId: answer.requestId, path: "/dashboard" });
    // The id is part of the hashed entry: the chain still verifies.
    expect(await verifyChain(t.db, chainIdFor(answer.orgId))).toMatchObject({ valid: true });
  });

  it("is null in an entry written without one (the CLI, background jobs)", async () => {
    const setupEntry = await t.db.auditEntry.findFirstOrThrow({ where: { action: "org.setup" } });
    expect((setupEntry.data as { request: unknown }).request).toEqual({ ip: null, userAgent: null, requestId: null });
  });
});
