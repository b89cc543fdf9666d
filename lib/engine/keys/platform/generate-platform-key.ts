import { generateKeyPair } from "node:crypto";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";

export const PLATFORM_KEY_ALGORITHMS = {
  "RSA-2048": { kind: "RSA", modulusBits: 2048 },
  "RSA-3072": { kind: "RSA", modulusBits: 3072 },
  "RSA-4096": { kind: "RSA", modulusBits: 4096 },
  "EC-P256": { kind: "EC", curve: "P-256" },
  "EC-P384": { kind: "EC", curve: "P-384" },
} as const satisfies Record<string, KeyAlgorithm>;

export type PlatformKeyAlgorithm = keyof typeof PLATFORM_KEY_ALGORITHMS;
export const DEFAULT_PLATFORM_KEY_ALGORITHM: PlatformKeyAlgorithm = "RSA-4096";

/**
 * A new key pair, generated in this process (off the event loop). The caller must encrypt
 * `pkcs8` at once and then overwrite it with `fill(0)`.
 */
export async function generatePlatformKey(
  name: PlatformKeyAlgorithm,
): Promise<{ pkcs8: Buffer; spki: Uint8Array; algorithm: KeyAlgorithm }> {
  const algorithm = PLATFORM_KEY_ALGORITHMS[name];
  const encoding = {
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs8", format: "der" },
  } as const;
  const pair = await new Promise<{ publicKey: Buffer; privateKey: Buffer }>((resolve, reject) => {
    const done = (error: Error | null, publicKey: Buffer, privateKey: Buffer) =>
      error ? reject(error) : resolve({ publicKey, privateKey });
    if (algorithm.kind === "RSA")
      generateKeyPair("rsa", { modulusLength: algorithm.modulusBits, publicExponent: 0x10001, ...encoding }, done);
    else
      generateKeyPair(
        "ec",
        { namedCurve: algorithm.curve === "P-256" ? "prime256v1" : "secp384r1", ...encoding },
        done,
      );
  });
  return { pkcs8: pair.privateKey, spki: new Uint8Array(pair.publicKey), algorithm };
}
