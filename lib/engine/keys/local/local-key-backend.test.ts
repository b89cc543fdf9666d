import { createHash, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { digest } from "@/lib/engine/crypto/hash";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";

const message = new TextEncoder().encode("signed attributes stand-in");

const keys = {
  "RSA 2048": generateKeyPairSync("rsa", { modulusLength: 2048 }),
  "RSA 3072": generateKeyPairSync("rsa", { modulusLength: 3072 }),
  "RSA 4096": generateKeyPairSync("rsa", { modulusLength: 4096 }),
  "EC P-256": generateKeyPairSync("ec", { namedCurve: "P-256" }),
  "EC P-384": generateKeyPairSync("ec", { namedCurve: "P-384" }),
  "EC P-521": generateKeyPairSync("ec", { namedCurve: "P-521" }),
};

describe("LocalKeyBackend", () => {
  for (const [name, pair] of Object.entries(keys)) {
    for (const hash of ["SHA-256", "SHA-384", "SHA-512"] as HashAlgorithm[]) {
      it(`${name} signs with ${hash} and the signature verifies with node:crypto over the message`, async () => {
        const backend = new LocalKeyBackend(pair.privateKey);
        const signature = await backend.sign({ message, digest: digest(hash, message), hash });
        const key =
          pair.publicKey.asymmetricKeyType === "ec"
            ? { key: pair.publicKey, dsaEncoding: "der" as const }
            : pair.publicKey;
        expect(verify(hash.replace("-", "").toLowerCase(), message, key, signature)).toBe(true);
        // and not over anything else
        expect(verify(hash.replace("-", "").toLowerCase(), digest(hash, message), key, signature)).toBe(false);
      });
    }
  }

  it("reports its algorithm and SubjectPublicKeyInfo", async () => {
    const rsa = new LocalKeyBackend(keys["RSA 3072"].privateKey);
    expect(await rsa.keyAlgorithm()).toEqual({ kind: "RSA", modulusBits: 3072 });
    const ec = new LocalKeyBackend(keys["EC P-384"].privateKey);
    expect(await ec.keyAlgorithm()).toEqual({ kind: "EC", curve: "P-384" });
    expect(Buffer.from(await ec.publicKey())).toEqual(
      keys["EC P-384"].publicKey.export({ type: "spki", format: "der" }),
    );
    expect(ec.description).toBe("local key file");
  });

  it("refuses to sign when the digest is not the message's", async () => {
    const backend = new LocalKeyBackend(keys["EC P-256"].privateKey);
    const wrong = createHash("sha256").update("something else").digest();
    await expect(backend.sign({ message, digest: wrong, hash: "SHA-256" })).rejects.toMatchObject({
      code: "key.digest_mismatch",
    });
  });

  it("reads PKCS#8, PKCS#1 and SEC1 keys as PEM and DER, and encrypted PKCS#8 with a passphrase", async () => {
    const rsa = keys["RSA 2048"].privateKey;
    const ec = keys["EC P-256"].privateKey;
    const inputs: (string | Uint8Array)[] = [
      rsa.export({ type: "pkcs8", format: "pem" }) as string,
      rsa.export({ type: "pkcs1", format: "pem" }) as string,
      new Uint8Array(rsa.export({ type: "pkcs1", format: "der" })),
      new Uint8Array(rsa.export({ type: "pkcs8", format: "der" })),
      ec.export({ type: "sec1", format: "pem" }) as string,
      new Uint8Array(ec.export({ type: "sec1", format: "der" })),
      new Uint8Array(Buffer.from(ec.export({ type: "pkcs8", format: "pem" }) as string)),
    ];
    for (const input of inputs) {
      const backend = LocalKeyBackend.fromKeyFile(input);
      expect((await backend.keyAlgorithm()).kind).toMatch(/RSA|EC/);
    }
    const encrypted = ec.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "correct horse",
    }) as string;
    expect(LocalKeyBackend.fromKeyFile(encrypted, { passphrase: "correct horse" })).toBeInstanceOf(LocalKeyBackend);
    expect(() => LocalKeyBackend.fromKeyFile(encrypted)).toThrow(expect.objectContaining({ code: "key.encrypted" }));
    expect(() => LocalKeyBackend.fromKeyFile(encrypted, { passphrase: "wrong" })).toThrow(
      expect.objectContaining({ code: "key.bad_passphrase" }),
    );
  });

  it("rejects garbage and unsupported key types with typed errors", () => {
    expect(() => LocalKeyBackend.fromKeyFile(new Uint8Array([1, 2, 3, 4]))).toThrow(
      expect.objectContaining({ code: "key.unreadable" }),
    );
    expect(() => LocalKeyBackend.fromKeyFile("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")).toThrow(
      expect.objectContaining({ code: "key.unreadable" }),
    );
    const ed = generateKeyPairSync("ed25519").privateKey;
    expect(() => new LocalKeyBackend(ed)).toThrow(expect.objectContaining({ code: "key.unsupported_algorithm" }));
    const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey;
    expect(() => new LocalKeyBackend(k1)).toThrow(expect.objectContaining({ code: "key.unsupported_algorithm" }));
  });
});
