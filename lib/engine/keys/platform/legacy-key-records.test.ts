import { createCipheriv, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digest } from "@/lib/engine/crypto/hash";
import {
  decryptPrivateKey,
  encryptPrivateKey,
  reencryptLegacyPrivateKey,
  type KeyContext,
} from "@/lib/engine/keys/platform/key-envelope";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { PlatformKeyBackend } from "@/lib/engine/keys/platform/platform-key-backend";

/** The unversioned box the old code wrote (IV ‖ ciphertext ‖ tag), built with node:crypto, not with Signet's code. */
function oldBox(key: Uint8Array, plaintext: Uint8Array, aad: string, iv: Buffer = randomBytes(12)): Uint8Array {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  return new Uint8Array(Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

const masterBytes = randomBytes(32);
const master = new LocalMasterKey(masterBytes.toString("base64"));
const context: KeyContext = { orgId: "org_alpha", keyId: "5b0c1f0e-9d5b-4f5e-8c1a-2b3c4d5e6f70" };
const header = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString("latin1");

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    pkcs8: privateKey.export({ type: "pkcs8", format: "der" }),
    spki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
  };
}

async function signs(keyBox: Uint8Array, wrappedDataKey: Uint8Array, spki: Uint8Array): Promise<boolean> {
  const backend = new PlatformKeyBackend({
    context,
    spki,
    algorithm: { kind: "EC", curve: "P-256" },
    masterKey: master,
    material: { load: async () => ({ keyBox, wrappedDataKey }) },
  });
  const message = Buffer.from("signed attributes stand-in");
  return (await backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" })).length > 0;
}

describe("key custody records of the legacy format", () => {
  it("an old data key and an old platform key still sign; migrated, they are AEAD records and sign the same", async () => {
    const { pkcs8, spki } = pair();
    const dataKey = randomBytes(32);
    const oldWrapped = oldBox(masterBytes, dataKey, `signet:data-key:v1:${context.orgId}`);
    const oldKeyBox = oldBox(dataKey, pkcs8, `signet:platform-key:v1:${context.orgId}:${context.keyId}`);
    expect((await master.unwrap(oldWrapped, { orgId: context.orgId })).equals(dataKey)).toBe(true);
    expect(decryptPrivateKey(oldKeyBox, dataKey, context).equals(pkcs8)).toBe(true);
    expect(await signs(oldKeyBox, oldWrapped, spki)).toBe(true);

    const newWrapped = await master.rewrapLegacy(oldWrapped, { orgId: context.orgId });
    const newKeyBox = reencryptLegacyPrivateKey(oldKeyBox, dataKey, context);
    expect(newWrapped !== null && header(newWrapped)).toBe("SGAE\x01");
    expect(newKeyBox !== null && header(newKeyBox)).toBe("SGAE\x01");
    expect(await signs(newKeyBox!, newWrapped!, spki)).toBe(true);
    // Already current: nothing to rewrite.
    expect(await master.rewrapLegacy(newWrapped!, { orgId: context.orgId })).toBeNull();
    expect(reencryptLegacyPrivateKey(newKeyBox!, dataKey, context)).toBeNull();
  });

  it("writers write only AEAD records", async () => {
    const { pkcs8 } = pair();
    const { plaintext, wrapped } = await master.generateDataKey({ orgId: context.orgId });
    expect(header(wrapped)).toBe("SGAE\x01");
    expect(header(await master.wrap(plaintext, { orgId: context.orgId }))).toBe("SGAE\x01");
    expect(header(encryptPrivateKey(pkcs8, plaintext, context))).toBe("SGAE\x01");
  });

  it("an old record whose random IV begins with the header is still read, and migrated", async () => {
    const { pkcs8 } = pair();
    const dataKey = randomBytes(32);
    const unlucky = Buffer.concat([Buffer.from("SGAE\x01", "latin1"), randomBytes(7)]);
    const oldWrapped = oldBox(masterBytes, dataKey, `signet:data-key:v1:${context.orgId}`, unlucky);
    const oldKeyBox = oldBox(dataKey, pkcs8, `signet:platform-key:v1:${context.orgId}:${context.keyId}`, unlucky);
    expect((await master.unwrap(oldWrapped, { orgId: context.orgId })).equals(dataKey)).toBe(true);
    expect(decryptPrivateKey(oldKeyBox, dataKey, context).equals(pkcs8)).toBe(true);
    expect(await master.rewrapLegacy(oldWrapped, { orgId: context.orgId })).not.toBeNull();
    expect(reencryptLegacyPrivateKey(oldKeyBox, dataKey, context)).not.toBeNull();
  });

  it("a record moved to another key or organisation does not open, old or new", async () => {
    const { pkcs8 } = pair();
    const dataKey = randomBytes(32);
    const oldKeyBox = oldBox(dataKey, pkcs8, `signet:platform-key:v1:${context.orgId}:${context.keyId}`);
    const newKeyBox = encryptPrivateKey(pkcs8, dataKey, context);
    for (const box of [oldKeyBox, newKeyBox]) {
      expect(() => decryptPrivateKey(box, dataKey, { ...context, keyId: "another-key" })).toThrow(
        expect.objectContaining({ code: "platform_key.decrypt_failed" }),
      );
      expect(() => decryptPrivateKey(box, dataKey, { ...context, orgId: "org_beta" })).toThrow(
        expect.objectContaining({ code: "platform_key.decrypt_failed" }),
      );
      expect(() => reencryptLegacyPrivateKey(box, dataKey, { ...context, keyId: "another-key" })).toThrow(
        expect.objectContaining({ code: "platform_key.decrypt_failed" }),
      );
    }
    const oldWrapped = oldBox(masterBytes, dataKey, `signet:data-key:v1:${context.orgId}`);
    const newWrapped = await master.wrap(dataKey, { orgId: context.orgId });
    for (const wrapped of [oldWrapped, newWrapped]) {
      await expect(master.unwrap(wrapped, { orgId: "org_beta" })).rejects.toMatchObject({
        code: "master_key.mismatch",
      });
      await expect(master.rewrapLegacy(wrapped, { orgId: "org_beta" })).rejects.toMatchObject({
        code: "master_key.mismatch",
      });
    }
  });
});
