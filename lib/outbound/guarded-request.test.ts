import http from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedLookup, type Resolver } from "@/lib/outbound/guarded-lookup";
import { guardedRequest } from "@/lib/outbound/guarded-request";
import { NOTHING_ALLOWED, parseOutboundAllowList } from "@/lib/outbound/outbound-allow-list";

let server: http.Server;
let port: number;
let connections = 0;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/redirect") res.writeHead(302, { Location: `http://127.0.0.1:${port}/elsewhere` }).end();
    else res.writeHead(200).end("a".repeat(100));
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const toLoopback: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
const post = (url: string, policy: Parameters<typeof guardedRequest>[1]["policy"], maxResponseBytes = 0) =>
  guardedRequest(url, { method: "POST", body: "{}", policy, maxResponseBytes, timeoutMs: 5000 });

function lookupOnce(lookup: LookupFunction, hostname: string, all: boolean): Promise<unknown> {
  return new Promise((resolve, reject) =>
    lookup(hostname, { all }, (error, address, family) =>
      error ? reject(error) : resolve(all ? address : { address, family }),
    ),
  );
}

describe("guardedRequest", () => {
  it("refuses loopback by literal address, by localhost and by a name resolving there, without connecting", async () => {
    const before = connections;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      await expect(post(url, { allow: NOTHING_ALLOWED }), url).rejects.toMatchObject({
        code: "outbound.destination_refused",
        message: "destination not allowed",
      });
    }
    await expect(
      post(`http://collector.example.test:${port}/`, { allow: NOTHING_ALLOWED, resolve: toLoopback }),
    ).rejects.toMatchObject({ code: "outbound.destination_refused" });
    await expect(
      post(`http://metadata.example.test/latest/meta-data/`, {
        allow: NOTHING_ALLOWED,
        resolve: async () => [{ address: "169.254.169.254", family: 4 }],
      }),
    ).rejects.toMatchObject({ code: "outbound.destination_refused" });
    expect(connections).toBe(before);
  });

  it("reaches an allowed loopback collector, by range or host name, at the address it checked", async () => {
    expect((await post(`http://127.0.0.1:${port}/ok`, { allow: parseOutboundAllowList("127.0.0.0/8") })).status).toBe(
      200,
    );
    // collector.example.test exists in no DNS: the socket can only have used the address the guard resolved and checked.
    const response = await post(
      `http://collector.example.test:${port}/ok`,
      { allow: parseOutboundAllowList("collector.example.test"), resolve: toLoopback },
      1000,
    );
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe("a".repeat(100));
  });

  it("returns redirects without following them, caps the answer, and refuses other schemes", async () => {
    const allow = parseOutboundAllowList("127.0.0.1");
    requests.length = 0;
    expect((await post(`http://127.0.0.1:${port}/redirect`, { allow })).status).toBe(302);
    expect(requests).toEqual(["/redirect"]);
    await expect(post(`http://127.0.0.1:${port}/big`, { allow }, 10)).rejects.toMatchObject({
      code: "outbound.response_too_large",
    });
    await expect(post(`ftp://127.0.0.1:${port}/`, { allow })).rejects.toMatchObject({
      code: "outbound.destination_refused",
    });
  });

  it("hides the network failure behind one message (kept in detail for the log)", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const allow = parseOutboundAllowList("127.0.0.1");
    const refused = await post(`http://127.0.0.1:${closedPort}/`, { allow }).catch((e: unknown) => e);
    const tls = await post(`https://127.0.0.1:${port}/`, { allow }).catch((e: unknown) => e);
    for (const error of [refused, tls])
      expect(error).toMatchObject({ code: "outbound.unreachable", message: "could not reach the destination" });
    expect(refused).toMatchObject({ detail: "ECONNREFUSED" });
  });
});

describe("guardedLookup", () => {
  it("checks every answer, each time the socket asks: a rebinding name is refused when it turns to loopback", async () => {
    let calls = 0;
    const rebinding: Resolver = async () =>
      calls++ === 0 ? [{ address: "93.184.215.14", family: 4 }] : [{ address: "127.0.0.1", family: 4 }];
    const lookup = guardedLookup({ allow: NOTHING_ALLOWED, resolve: rebinding });
    expect(await lookupOnce(lookup, "rebind.example.test", false)).toEqual({ address: "93.184.215.14", family: 4 });
    await expect(lookupOnce(lookup, "rebind.example.test", true)).rejects.toMatchObject({
      code: "outbound.destination_refused",
    });
  });

  it("refuses a name when any of its addresses is internal, and answers in both callback forms", async () => {
    const mixed = guardedLookup({
      allow: NOTHING_ALLOWED,
      resolve: async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "fd00::1", family: 6 },
      ],
    });
    await expect(lookupOnce(mixed, "mixed.example.test", true)).rejects.toMatchObject({
      code: "outbound.destination_refused",
    });
    const both = guardedLookup({
      allow: NOTHING_ALLOWED,
      resolve: async () => [
        { address: "2606:4700::1", family: 6 },
        { address: "93.184.215.14", family: 4 },
      ],
    });
    expect(await lookupOnce(both, "both.example.test", true)).toEqual([
      { address: "2606:4700::1", family: 6 },
      { address: "93.184.215.14", family: 4 },
    ]);
    expect(await lookupOnce(both, "both.example.test", false)).toEqual({ address: "2606:4700::1", family: 6 });
  });
});
