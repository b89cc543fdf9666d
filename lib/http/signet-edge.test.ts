import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SMALL_BODY_MAX_BYTES } from "@/lib/http/body-limit";
import { signetEdge, type AppHandler, type EdgeSettings } from "@/lib/http/signet-edge";
import { createLogger, type Logger } from "@/lib/log/logger";

const settings: EdgeSettings = {
  maxUploadBytes: 8 * 1024 * 1024,
  verifyMaxBytes: 4 * 1024 * 1024,
  trustProxy: false,
  publicUrl: "http://localhost:3000",
  dev: false,
};

/** What the app behind the edge saw of each request. */
type Seen = { headers: http.IncomingHttpHeaders; bodyBytes: number };

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A line of the JSON log. */
type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Signet's logger, writing its JSON lines into `lines`. */
function capturingLogger(lines: LogLine[]): Logger {
  return createLogger({
    level: "debug",
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
}

/** The edge (logging into `lines`) in front of `app`; by default an app that reads the whole body and answers what it saw. */
async function serve(overrides: Partial<EdgeSettings> = {}, customApp?: (seen: Seen[], logger: Logger) => AppHandler) {
  const seen: Seen[] = [];
  const lines: LogLine[] = [];
  const logger = capturingLogger(lines);
  const app: AppHandler =
    customApp?.(seen, logger) ??
    ((req, res) =>
      new Promise((resolve) => {
        let bodyBytes = 0;
        req.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
        req.on("end", () => {
          seen.push({ headers: { ...req.headers }, bodyBytes });
          res.end(JSON.stringify({ bodyBytes }));
          resolve();
        });
        req.on("error", () => resolve());
      }));
  const edge = signetEdge(app, { ...settings, logger, ...overrides });
  const server = http.createServer((req, res) => edge(req, res));
  server.on("checkContinue", (req, res) => edge(req, res, { expectsContinue: true }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const accessLines = () => lines.filter((l) => l.kind === "access");
  return { port: (server.address() as AddressInfo).port, seen, lines, accessLines };
}

function get(
  port: number,
  headers: Record<string, string> = {},
  localAddress = "127.0.0.1",
  path = "/dashboard",
  method = "GET",
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: "127.0.0.1", port, path, method, headers, localAddress, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res));
      })
      .on("error", reject)
      .end();
  });
}

/** Writes `head` and `then` on a raw socket; resolves with what came back once the server closed (or after `waitMs`). */
function raw(
  port: number,
  head: string,
  then: (socket: net.Socket) => void,
  waitMs = 3000,
): Promise<{ response: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: "127.0.0.1", port });
    let response = "";
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on("data", (chunk) => (response += chunk.toString("latin1")));
    socket.on("close", () => done(true));
    socket.on("error", () => done(true));
    socket.on("connect", () => {
      socket.write(head);
      then(socket);
    });
  });
}

describe("the client's address", () => {
  it("comes from the socket; a client's X-Forwarded-For and copy of our header are replaced", async () => {
    const { port, seen } = await serve();
    await get(port, { "x-forwarded-for": "203.0.113.9", "x-signet-client-address": "198.51.100.1" }, "127.0.0.7");
    expect(seen[0]!.headers["x-signet-client-address"]).toBe("127.0.0.7");
    expect(seen[0]!.headers["x-forwarded-for"]).toBe("127.0.0.7");
  });

  it("comes with no other forwarded claims from a client when no proxy is trusted (host, scheme, port, Forwarded, X-Real-IP)", async () => {
    const forged = {
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      forwarded: "for=6.6.6.6;host=evil.example",
      "x-real-ip": "6.6.6.6",
    };
    const { port, seen } = await serve();
    await get(port, forged);
    for (const name of Object.keys(forged)) expect(seen[0]!.headers[name], name).toBeUndefined();
    // Behind a trusted proxy they are the proxy's to set, and pass.
    const behind = await serve({ trustProxy: true });
    await get(behind.port, forged);
    expect(behind.seen[0]!.headers["x-forwarded-host"]).toBe("evil.example");
  });

  it("behind a trusted proxy is the entry the proxy appended, the right-most one", async () => {
    const { port, seen } = await serve({ trustProxy: true });
    await get(port, { "x-forwarded-for": "6.6.6.6, 203.0.113.9", "x-signet-client-address": "198.51.100.1" });
    expect(seen[0]!.headers["x-signet-client-address"]).toBe("203.0.113.9");
    await get(port, {}, "127.0.0.8");
    expect(seen[1]!.headers["x-signet-client-address"]).toBe("127.0.0.8");
  });
});

describe("request bodies", () => {
  it("past the route's declared cap are refused with 413 before a byte is read, and the connection closes", async () => {
    const { port, seen } = await serve();
    const head = `POST /api/auth/callback/credentials HTTP/1.1\r\nHost: x\r\nContent-Length: ${400 * 1024 * 1024}\r\n\r\n`;
    const result = await raw(port, head, (socket) => socket.write("email=a"));
    expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.response).toContain('"code":"request.too_large"');
    expect(result.closed).toBe(true);
    expect(result.ms).toBeLessThan(2000);
    expect(seen).toEqual([]);
  });

  it("are capped by route: the upload and the public verification take their own limits", async () => {
    const { port } = await serve();
    const status = (path: string, length: number) =>
      raw(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`, () => undefined, 500).then(
        (r) => r.response.slice(9, 12),
      );
    expect(await status("/api/v1/verify", settings.verifyMaxBytes + 1)).toBe("413");
    expect(await status("/api/v1/verify", SMALL_BODY_MAX_BYTES + 1)).toBe(""); // waits for its body
    expect(await status("/api/documents/upload", settings.maxUploadBytes + 1)).toBe("413");
    expect(await status("/api/documents/upload?x=1", settings.verifyMaxBytes + 1)).toBe("");
    // Another spelling of a path is another route, with the small cap.
    expect(await status("/api/documents/upload/", SMALL_BODY_MAX_BYTES + 1)).toBe("413");
    expect(await status("/api/documents/../documents/upload", SMALL_BODY_MAX_BYTES + 1)).toBe("413");
  });

  it("without a length (chunked) are counted as they stream and cut off at the cap", async () => {
    const { port, seen } = await serve();
    const chunk = Buffer.alloc(64 * 1024, "a");
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
    let sent = 0;
    const result = await raw(
      port,
      "POST /some/page HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
      (socket) => {
        const pump = () => {
          while (!socket.destroyed && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!socket.write(frame)) return void socket.once("drain", pump);
          }
          if (!socket.destroyed) socket.write("0\r\n\r\n");
        };
        pump();
      },
      10_000,
    );
    expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.closed).toBe(true);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    // The app never received a complete body.
    expect(seen).toEqual([]);
  });

  it("under the cap reach the app whole, chunked or not", async () => {
    const { port, seen } = await serve();
    const body = "a".repeat(100_000);
    await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      () => undefined,
    );
    await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      () => undefined,
    );
    expect(seen.map((s) => s.bodyBytes)).toEqual([body.length, body.length]);
  });

  it("past the cap are refused without 100 Continue when the client waits for it", async () => {
    const { port } = await serve();
    const refused = await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${SMALL_BODY_MAX_BYTES + 1}\r\n\r\n`,
      () => undefined,
    );
    expect(refused.response).toMatch(/^HTTP\/1\.1 413 /);
    const accepted = await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`,
      (socket) => setTimeout(() => socket.write("ab"), 200),
    );
    expect(accepted.response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });
});

describe("security headers", () => {
  it("give every answer a Content-Security-Policy with a fresh nonce, and Next.js the same policy", async () => {
    const { port, seen } = await serve();
    const first = await get(port, { "content-security-policy": "script-src 'nonce-chosen-by-client'" });
    const second = await get(port);
    const nonceOf = (policy: string | string[] | undefined) => /'nonce-([^']+)'/.exec(String(policy ?? ""))?.[1];
    expect(nonceOf(first.headers["content-security-policy"])).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(nonceOf(first.headers["content-security-policy"])).not.toBe(
      nonceOf(second.headers["content-security-policy"]),
    );
    expect(seen[0]!.headers["content-security-policy"]).toBe(first.headers["content-security-policy"]);
    expect(first.headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(first.headers["content-security-policy"]).not.toContain(" 'unsafe-eval'");
    expect(first.headers["strict-transport-security"]).toBeUndefined();
  });

  it("add Strict-Transport-Security and upgrade-insecure-requests when Signet is served over https", async () => {
    const { port } = await serve({ publicUrl: "https://signet.example.com" });
    const answer = await get(port);
    expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(answer.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
  });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("are fresh for every request, on the answer and on the request the app sees; a client's own is replaced", async () => {
    const { port, seen } = await serve();
    const first = await get(port, { "x-request-id": "chosen-by-the-client" });
    const second = await get(port);
    const ids = [first.headers["x-request-id"], second.headers["x-request-id"]];
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
    expect(seen.map((s) => s.headers["x-request-id"])).toEqual(ids);
  });

  it("behind a trusted proxy keep the proxy's well-formed X-Request-Id and replace a malformed one", async () => {
    const { port, seen } = await serve({ trustProxy: true });
    const kept = await get(port, { "x-request-id": "lb-1f3a:9.2_x" });
    const replaced = await get(port, { "x-request-id": "x".repeat(129) });
    const odd = await get(port, { "x-request-id": "a b" });
    expect(kept.headers["x-request-id"]).toBe("lb-1f3a:9.2_x");
    expect(seen[0]!.headers["x-request-id"]).toBe("lb-1f3a:9.2_x");
    expect(replaced.headers["x-request-id"]).toMatch(UUID);
    expect(odd.headers["x-request-id"]).toMatch(UUID);
    expect(seen[2]!.headers["x-request-id"]).toBe(odd.headers["x-request-id"]);
  });

  it("are on every line the app logs while it handles the request", async () => {
    const { port, lines } = await serve({}, (_seen, logger) => async (_req, res) => {
      logger.info("before an await");
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.warn("after it");
      res.end("ok");
    });
    const answer = await get(port);
    const appLines = lines.filter((l) => l.kind !== "access");
    expect(appLines.map((l) => [l.msg, l.requestId])).toEqual([
      ["before an await", answer.headers["x-request-id"]],
      ["after it", answer.headers["x-request-id"]],
    ]);
  });
});

describe("the access log", () => {
  it("has one line per request: method, path without its query, status, duration, bytes, request id, client address", async () => {
    const body = "é".repeat(1000); // 2000 bytes
    const { port, accessLines } = await serve({}, () => async (_req, res) => {
      res.statusCode = 201;
      res.write(body.slice(0, 500));
      res.end(Buffer.from(body.slice(500)));
    });
    const answer = await get(port, {}, "127.0.0.9", "/documents?filter=secret-looking&x=1");
    await vi.waitFor(() => expect(accessLines()).toHaveLength(1));
    const line = accessLines()[0]!;
    expect(line).toMatchObject({
      level: 30,
      msg: "request",
      app: "signet",
      kind: "access",
      method: "GET",
      path: "/documents",
      status: 201,
      bytes: 2000,
      requestId: answer.headers["x-request-id"],
      clientAddress: "127.0.0.9",
    });
    expect(typeof line.durationMs).toBe("number");
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(line).not.toHaveProperty("aborted");
  });

  it("never shows an invitation token, however its path is spelled", async () => {
    const { port, accessLines } = await serve({}, () => async (_req, res) => void res.end("ok"));
    const paths = [
      "/invite/SECRETtoken123",
      "/invite/SECRETtoken123?from=mail",
      "/invite/SECRETtoken123/",
      "/invite%2FSECRETtoken123",
      "/%69nvite/SECRETtoken123",
      "/x/../invite/./SECRETtoken123",
      "//invite//SECRETtoken123",
      "/Invite/SECRETtoken123",
      "/invite\\SECRETtoken123",
    ];
    for (const path of paths)
      await raw(
        port,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        () => undefined,
      );
    await raw(
      port,
      `GET http://x/invite/SECRETtoken123 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      () => undefined,
    );
    await vi.waitFor(() => expect(accessLines()).toHaveLength(paths.length + 1));
    expect(JSON.stringify(accessLines())).not.toContain("SECRETtoken123");
    expect(accessLines()[0]!.path).toBe("/invite/[redacted]");
    expect(accessLines().every((l) => String(l.path).includes("[redacted]"))).toBe(true);
  });

  it("keeps the ids of other routes: they are no secret", async () => {
    const { port, accessLines } = await serve({}, () => async (_req, res) => void res.end("ok"));
    await get(port, {}, "127.0.0.1", "/verify/3b241101-e2bb-4255-8caf-4136c566a962");
    await get(port, {}, "127.0.0.1", "/api/documents/d-123/sealed");
    await vi.waitFor(() => expect(accessLines()).toHaveLength(2));
    expect(accessLines().map((l) => l.path)).toEqual([
      "/verify/3b241101-e2bb-4255-8caf-4136c566a962",
      "/api/documents/d-123/sealed",
    ]);
  });

  it("logs a request the edge refused (413) and one whose client left before the answer", async () => {
    let hungUp!: () => void;
    const appGone = new Promise<void>((resolve) => (hungUp = resolve));
    const { port, accessLines, seen } = await serve({}, () => async (req, res) => {
      if (req.url === "/slow") {
        res.on("close", hungUp);
        return; // never answers
      }
      res.end("ok");
    });
    await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMALL_BODY_MAX_BYTES + 1}\r\n\r\n`,
      () => undefined,
    );
    await raw(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", (socket) => setTimeout(() => socket.destroy(), 50));
    await appGone;
    await vi.waitFor(() => expect(accessLines()).toHaveLength(2));
    const [refused, abandoned] = accessLines();
    expect(refused).toMatchObject({ method: "POST", path: "/x", status: 413 });
    expect(refused!.bytes).toBeGreaterThan(0);
    expect(abandoned).toMatchObject({ method: "GET", path: "/slow", status: null, bytes: 0, aborted: true });
    expect(seen).toEqual([]);
  });

  it("counts no body for HEAD", async () => {
    const { port, accessLines } = await serve({}, () => async (_req, res) => void res.end("twelve bytes"));
    await get(port, {}, "127.0.0.1", "/page", "HEAD");
    await vi.waitFor(() => expect(accessLines()).toHaveLength(1));
    expect(accessLines()[0]).toMatchObject({ method: "HEAD", status: 200, bytes: 0 });
  });

  it("logs health and metrics probes at debug while they succeed, and a failing one at info", async () => {
    const { port, accessLines } = await serve({}, () => async (req, res) => {
      res.statusCode = req.url === "/api/ready" ? 503 : 200;
      res.end();
    });
    for (const path of ["/api/health", "/metrics", "/api/ready", "/dashboard"]) await get(port, {}, "127.0.0.1", path);
    await vi.waitFor(() => expect(accessLines()).toHaveLength(4));
    expect(accessLines().map((l) => [l.path, l.level])).toEqual([
      ["/api/health", 20],
      ["/metrics", 20],
      ["/api/ready", 30],
      ["/dashboard", 30],
    ]);
  });

  it("names the request in the line that says the app failed", async () => {
    const { port, lines } = await serve({}, () => () => Promise.reject(new Error("render failed")));
    const answer = await get(port);
    expect(answer.statusCode).toBe(500);
    const failed = lines.find((l) => l.msg === "request failed");
    expect(failed).toMatchObject({ level: 50, requestId: answer.headers["x-request-id"] });
    expect(failed!.err).toMatchObject({ type: "Error", message: "render failed" });
  });
});
