import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { signetEdge, type AppHandler, type EdgeSettings } from "./signet-edge";

const settings: EdgeSettings = { trustProxy: false };

/** What the app behind the edge saw of each request. */
type Seen = { headers: http.IncomingHttpHeaders; bodyBytes: number };

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The edge in front of an app that reads the whole body and answers what it saw. */
async function serve(overrides: Partial<EdgeSettings> = {}) {
  const seen: Seen[] = [];
  const app: AppHandler = (req, res) =>
    new Promise((resolve) => {
      let bodyBytes = 0;
      req.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
      req.on("end", () => {
        seen.push({ headers: { ...req.headers }, bodyBytes });
        res.end(JSON.stringify({ bodyBytes }));
        resolve();
      });
      req.on("error", () => resolve());
    });
  const edge = signetEdge(app, { ...settings, ...overrides });
  const server = http.createServer((req, res) => edge(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

function get(port: number, headers: Record<string, string> = {}, localAddress = "127.0.0.1"): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/dashboard", headers, localAddress, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res));
    }).on("error", reject);
  });
}

describe("the client's address", () => {
  it("comes from the socket; a client's X-Forwarded-For and copy of our header are replaced", async () => {
    const { port, seen } = await serve();
    await get(port, { "x-forwarded-for": "203.0.113.9", "x-signet-client-address": "198.51.100.1" }, "127.0.0.7");
    expect(seen[0]!.headers["x-signet-client-address"]).toBe("127.0.0.7");
    expect(seen[0]!.headers["x-forwarded-for"]).toBe("127.0.0.7");
  });

  it("behind a trusted proxy is the entry the proxy appended, the right-most one", async () => {
    const { port, seen } = await serve({ trustProxy: true });
    await get(port, { "x-forwarded-for": "6.6.6.6, 203.0.113.9", "x-signet-client-address": "198.51.100.1" });
    expect(seen[0]!.headers["x-signet-client-address"]).toBe("203.0.113.9");
    await get(port, {}, "127.0.0.8");
    expect(seen[1]!.headers["x-signet-client-address"]).toBe("127.0.0.8");
  });
});
