import { constants, generateKeyPairSync, privateEncrypt, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestInfo } from "@/lib/engine/crypto/digest-info";
import { digest } from "@/lib/engine/crypto/hash";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";

describe("digestInfo", () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const message = new TextEncoder().encode("hello");

  for (const hash of ["SHA-256", "SHA-384", "SHA-512"] as HashAlgorithm[]) {
    it(`privateEncrypt(PKCS#1 v1.5, DigestInfo(${hash})) equals crypto.sign over the message`, () => {
      const viaDigest = privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        digestInfo(digest(hash, message), hash),
      );
      const viaMessage = sign(hash.replace("-", "").toLowerCase(), message, privateKey);
      expect(viaDigest.equals(viaMessage)).toBe(true);
    });
  }

  it("rejects a digest of the wrong length", () => {
    expect(() => digestInfo(new Uint8Array(20), "SHA-256")).toThrow(
      expect.objectContaining({ code: "key.digest_mismatch" }),
    );
  });

  it("documents the trap: crypto.sign(null, digestInfo) hashes again", () => {
    const info = digestInfo(digest("SHA-256", message), "SHA-256");
    const wrong = sign(null, info, privateKey);
    expect(wrong.equals(sign("sha256", message, privateKey))).toBe(false);
  });
});
