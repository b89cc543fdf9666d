import http from "node:http";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { ADDRESS_POLICY } from "@/lib/auth/sign-in-throttle";
import { readSettings } from "@/lib/config/settings";

// The HTTP edge of the server `npm start` runs (scripts/server.ts): where a client's address comes
// from, how much of a body is read, and the headers every answer carries. Each test that uses up
// a per-address limit connects from its own loopback address (127.0.0.x, all routed to this
// machine), so the limits it reaches bind that address alone and no other spec.

let port = 0;
test.beforeAll(({}, testInfo) => {
  port = Number(new URL(testInfo.project.use.baseURL!).port);
});

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function request(options: {
  localAddress: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        localAddress: options.localAddress,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** What a forger puts in every request: addresses that change each time, in every header a server might believe. */
const forged = (i: number) => ({
  "x-forwarded-for": `203.0.113.${i % 250}, 198.51.100.${i % 250}`,
  "x-signet-client-address": `192.0.2.${i % 250}`,
  "x-real-ip": `192.0.2.${i % 250}`,
});

test("the public verification counts a client by its socket address, whatever X-Forwarded-For says", async () => {
  const { verifyRateLimit } = readSettings(process.env);
  const statuses: number[] = [];
  for (let i = 0; i <= verifyRateLimit; i++) {
    const answer = await request({
      localAddress: "127.0.0.21",
      method: "POST",
      path: "/api/v1/verify",
      headers: { "content-type": "application/pdf", ...forged(i) },
      body: "not a PDF",
    });
    statuses.push(answer.status);
  }
  // Refused as not a PDF until the limit, and then refused as over the limit.
  expect(statuses.slice(0, verifyRateLimit).every((status) => status === 400)).toBe(true);
  expect(statuses[verifyRateLimit]).toBe(429);
  // Another socket address, with the same forged headers, is another client.
  const other = await request({
    localAddress: "127.0.0.22",
    method: "POST",
    path: "/api/v1/verify",
    headers: { "content-type": "application/pdf", ...forged(0) },
    body: "not a PDF",
  });
  expect(other.status).toBe(400);
});

test("sign-in throttling by address holds against a client that rotates X-Forwarded-For", async () => {
  async function attempt(
    localAddress: string,
    email: string,
    i: number,
    session: { cookie: string; csrfToken: string },
  ): Promise<string> {
    const answer = await request({
      localAddress,
      method: "POST",
      path: "/api/auth/callback/credentials",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: session.cookie, ...forged(i) },
      body: new URLSearchParams({ csrfToken: session.csrfToken, email, password: "a-wrong-password" }).toString(),
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.location!, "http://localhost").searchParams.get("code") ?? "";
  }
  async function csrf(localAddress: string) {
    const answer = await request({ localAddress, path: "/api/auth/csrf" });
    const cookie = (answer.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    return { cookie, csrfToken: (JSON.parse(answer.body) as { csrfToken: string }).csrfToken };
  }

  const session = await csrf("127.0.0.23");
  // A different account each time, so only the per-address limit can stop the guesser.
  const codes: string[] = [];
  for (let i = 0; i <= ADDRESS_POLICY.maxFailures; i++)
    codes.push(await attempt("127.0.0.23", `nobody-${i}@example.test`, i, session));
  expect(codes[0]).toBe("auth.invalid_credentials");
  expect(codes.at(-1)).toBe("auth.throttled");
  // Another socket address is not throttled.
  expect(await attempt("127.0.0.24", "someone-else@example.test", 0, await csrf("127.0.0.24"))).toBe(
    "auth.invalid_credentials",
  );
});

/** Opens a socket, writes `head` (and whatever `feed` writes), and reports what came back and when the server closed. */
function rawExchange(
  head: string,
  feed: (socket: net.Socket) => void,
  waitMs: number,
): Promise<{ response: string; closed: boolean; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.25" });
    let response = "";
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on("data", (chunk) => (response += chunk.toString("latin1")));
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.on("connect", () => {
      socket.write(head);
      feed(socket);
    });
  });
}

test("a body declared larger than its route's cap is refused at once, unread, and the connection closed", async () => {
  const head = [
    "POST /api/auth/callback/credentials HTTP/1.1",
    "Host: localhost",
    "Content-Type: application/x-www-form-urlencoded",
    `Content-Length: ${400 * 1024 * 1024}`,
    "",
    "",
  ].join("\r\n");
  const result = await rawExchange(head, (socket) => socket.write("csrfToken=x&email="), 5_000);
  expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
  expect(result.response.toLowerCase()).toContain("connection: close");
  expect(result.closed).toBe(true);
  expect(result.elapsedMs).toBeLessThan(3_000);
});

test("a chunked body is counted while it streams and cut off at its route's cap", async () => {
  const head = [
    "POST /api/auth/callback/credentials HTTP/1.1",
    "Host: localhost",
    "Content-Type: application/x-www-form-urlencoded",
    "Transfer-Encoding: chunked",
    "",
    "",
  ].join("\r\n");
  const chunk = Buffer.alloc(64 * 1024, "a");
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
  // Far more than any small route may take; the kernel's socket buffers hold a few MB of it.
  const ceiling = 64 * 1024 * 1024;
  let sent = 0;
  const result = await rawExchange(
    head,
    (socket) => {
      const pump = () => {
        while (!socket.destroyed && sent < ceiling) {
          sent += chunk.length;
          if (!socket.write(frame)) return void socket.once("drain", pump);
        }
        // Never cut: end the body properly, so an unfixed server answers and the test sees it.
        if (!socket.destroyed) socket.write("0\r\n\r\n");
      };
      pump();
    },
    30_000,
  );
  expect(result.closed).toBe(true);
  expect(sent).toBeLessThan(ceiling);
  if (result.response !== "") expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
});

test("every page carries a nonce-based Content-Security-Policy, a new nonce each time, on every script", async ({
  request,
}) => {
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await request.get("/verify");
    expect(response.status()).toBe(200);
    const policy = response.headers()["content-security-policy"] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1] ?? "";
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    expect(policy).toMatch(/script-src [^;]*'nonce-[^']+' 'strict-dynamic'/);
    for (const directive of [
      "object-src 'none'",
      "base-uri 'self'",
      "frame-ancestors 'none'",
      "form-action 'self'",
      "default-src 'self'",
    ])
      expect(policy).toContain(directive);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    // SIGNET_PUBLIC_URL is http here: no Strict-Transport-Security.
    expect(response.headers()["strict-transport-security"]).toBeUndefined();
    nonces.push(nonce);
  }
  expect(nonces[0]).not.toBe(nonces[1]);

  // A page that does not exist is rendered per request too, so its scripts carry the nonce as well.
  const missing = await request.get("/no-such-page");
  expect(missing.status()).toBe(404);
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(missing.headers()["content-security-policy"] ?? "")?.[1];
  const scripts = (await missing.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
});

test("the public verification page works under the policy: no violation in the browser", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  await page.goto("/verify");
  await expect(page.getByRole("heading", { name: "Verify a sealed PDF" })).toBeVisible();
  await page.getByLabel("PDF to verify").setInputFiles(path.join(SIGNED_CORPUS_DIR, "s03-pyhanko-two-signatures.pdf"));
  await expect(page.getByTestId("document-answer")).toBeVisible({ timeout: 30_000 });
  expect(violations).toEqual([]);
});
