import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { startTestTsa, type TestTsa, type TsaBehaviour } from "@/test/support/tsa-server";
import { opensslTsVerify } from "@/test/support/pki-openssl";
import { digest } from "@/lib/engine/crypto/hash";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { checkTimestampToken } from "@/lib/engine/tsa/check-timestamp-token";

let pki: TestPki;
let tsa: TestTsa;
beforeAll(async () => {
  pki = await getTestPki();
  tsa = await startTestTsa(pki);
});
afterAll(async () => {
  await tsa?.stop();
});

const data = new TextEncoder().encode("a signature value");

describe("HttpTimestamper", () => {
  for (const hash of ["SHA-256", "SHA-384", "SHA-512"] as HashAlgorithm[]) {
    it(`gets a checked token over a ${hash} imprint, with genTime and the TSA certificate`, async () => {
      const client = new HttpTimestamper({ url: tsa.url });
      const { token, check } = await client.timestampWithDetails(digest(hash, data), hash);
      expect(check.valid).toBe(true);
      expect(check.imprintHash).toBe(hash);
      expect(check.tsaCertificate?.subject).toContain("CN=Signet Test TSA");
      expect(Math.abs(check.tstInfo.genTime.getTime() - Date.now())).toBeLessThan(60_000);
      expect((await opensslTsVerify(token, data, pki.root.certPem)).output).toContain("Verification: OK");
    });
  }

  const failures: [TsaBehaviour, string, string | undefined, RegExp][] = [
    ["http500", "tsa.http_error", undefined, /answered HTTP 500/],
    [
      "rejection",
      "tsa.rejected",
      undefined,
      /refused the request \(rejection: unrecognised or unsupported hash algorithm; test TSA refuses\)/,
    ],
    ["wrongNonce", "tsa.bad_response", "nonce_mismatch", /wrong nonce/],
    ["wrongImprint", "tsa.bad_response", "imprint_mismatch", /wrong message imprint/],
    ["garbage", "tsa.bad_response", "malformed", /not a valid RFC 3161 reply/],
  ];
  for (const [behaviour, code, reason, message] of failures) {
    it(`turns a TSA that answers "${behaviour}" into ${code}${reason ? ` (${reason})` : ""}`, async () => {
      const bad = await startTestTsa(pki, behaviour);
      try {
        const promise = new HttpTimestamper({ url: bad.url, timeoutMs: 5000 }).timestamp(
          digest("SHA-256", data),
          "SHA-256",
        );
        await expect(promise).rejects.toMatchObject({
          code,
          message: expect.stringMatching(message),
          ...(reason ? { reason } : {}),
        });
        expect(bad.requests).toBe(1);
      } finally {
        await bad.stop();
      }
    });
  }

  it("times out on a TSA that never answers (tsa.timeout)", async () => {
    const hanging = await startTestTsa(pki, "hang");
    try {
      const started = Date.now();
      await expect(
        new HttpTimestamper({ url: hanging.url, timeoutMs: 400 }).timestamp(digest("SHA-256", data), "SHA-256"),
      ).rejects.toMatchObject({
        code: "tsa.timeout",
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await hanging.stop();
    }
  });

  it("reports an unreachable TSA as tsa.http_error", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await expect(
      new HttpTimestamper({ url: `http://127.0.0.1:${port}/` }).timestamp(digest("SHA-256", data), "SHA-256"),
    ).rejects.toMatchObject({
      code: "tsa.http_error",
      message: expect.stringMatching(/could not be reached/),
    });
  });

  it("refuses bad URLs and imprints of the wrong length", async () => {
    expect(() => new HttpTimestamper({ url: "not a url" })).toThrow(
      expect.objectContaining({ code: "tsa.http_error" }),
    );
    expect(() => new HttpTimestamper({ url: "file:///etc/passwd" })).toThrow(
      expect.objectContaining({ code: "tsa.http_error" }),
    );
    await expect(new HttpTimestamper({ url: tsa.url }).timestamp(new Uint8Array(10), "SHA-256")).rejects.toMatchObject({
      code: "tsa.bad_response",
    });
  });
});

describe("checkTimestampToken", () => {
  it("detects a token whose TSTInfo was altered (signature no longer verifies)", async () => {
    const token = await new HttpTimestamper({ url: tsa.url }).timestamp(digest("SHA-256", data), "SHA-256");
    expect(checkTimestampToken(token, { timestampedData: data }).valid).toBe(true);
    // flip a byte of the genTime inside the TSTInfo: the message digest no longer matches
    const text = Buffer.from(token).toString("latin1");
    const at = text.search(/\d{14}Z/);
    const tampered = token.slice();
    tampered[at + 13] = tampered[at + 13] === 0x30 ? 0x31 : 0x30;
    const check = checkTimestampToken(tampered, { timestampedData: data });
    expect(check.valid).toBe(false);
    expect(check.signatureValid).toBe(false);
    expect(checkTimestampToken(token, { timestampedData: Uint8Array.of(9) }).imprintMatches).toBe(false);
  });

  it("throws a typed error on garbage", () => {
    expect(() => checkTimestampToken(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(
      expect.objectContaining({ code: "cms.malformed" }),
    );
    expect(() => checkTimestampToken(pki.root.certDer)).toThrow(expect.objectContaining({ code: "cms.malformed" }));
  });
});
