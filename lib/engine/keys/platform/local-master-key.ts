import { createHmac, randomBytes } from "node:crypto";
import { openBox, sealBox } from "../../crypto/aes-gcm";
import type { DataKeyContext, MasterKey } from "./master-key";
import { PlatformKeyError } from "./platform-key-errors";

/** SIGNET_MASTER_KEY: 32 random bytes, base64. Wrapping is AES-256-GCM bound to the organisation. */
export class LocalMasterKey implements MasterKey {
  readonly id: string;
  readonly description = "local master key (SIGNET_MASTER_KEY)";
  readonly #key: Buffer;

  constructor(base64: string) {
    const key = Buffer.from(base64.trim(), "base64");
    if (key.length !== 32 || key.toString("base64") !== base64.trim().replace(/\s/g, "")) {
      throw new PlatformKeyError("master_key.malformed", "SIGNET_MASTER_KEY must be 32 random bytes in base64 (for example: openssl rand -base64 32).");
    }
    this.#key = key;
    this.id = `local:${createHmac("sha256", key).update("signet master key id").digest("hex").slice(0, 16)}`;
  }

  async generateDataKey(context: DataKeyContext): Promise<{ plaintext: Buffer; wrapped: Uint8Array }> {
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: await this.wrap(plaintext, context) };
  }

  async wrap(dataKey: Uint8Array, context: DataKeyContext): Promise<Uint8Array> {
    return sealBox(this.#key, dataKey, aad(context));
  }

  async unwrap(wrapped: Uint8Array, context: DataKeyContext): Promise<Buffer> {
    try {
      return openBox(this.#key, wrapped, aad(context));
    } catch (error) {
      throw new PlatformKeyError("master_key.mismatch", "A data key could not be unwrapped: the master key is not the one it was wrapped with, or the record was altered.", { cause: error });
    }
  }
}

function aad(context: DataKeyContext): Buffer {
  return Buffer.from(`signet:data-key:v1:${context.orgId}`, "utf8");
}
