import { createHmac, randomBytes } from "node:crypto";
import { sealRecord, type RecordBinding } from "@/lib/engine/crypto/aead-record";
import { openRecordOrLegacy } from "@/lib/engine/crypto/open-record-or-legacy";
import { unwrapLegacyDataKey } from "@/lib/engine/keys/platform/legacy-wrapped-data-key";
import type { DataKeyContext, MasterKey } from "@/lib/engine/keys/platform/master-key";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";

/**
 * SIGNET_MASTER_KEY: 32 random bytes, base64. A wrapped data key is an AEAD record
 * (aead-record.ts) bound to its organisation; wrappings of the legacy format are still read
 * until the start-up migration has rewrapped them (rewrapLegacy).
 */
export class LocalMasterKey implements MasterKey {
  readonly id: string;
  readonly description = "local master key (SIGNET_MASTER_KEY)";
  readonly #key: Buffer;

  constructor(base64: string) {
    const key = Buffer.from(base64.trim(), "base64");
    if (key.length !== 32 || key.toString("base64") !== base64.trim().replace(/\s/g, "")) {
      throw new PlatformKeyError(
        "master_key.malformed",
        "SIGNET_MASTER_KEY must be 32 random bytes in base64 (for example: openssl rand -base64 32).",
      );
    }
    this.#key = key;
    this.id = `local:${createHmac("sha256", key).update("signet master key id").digest("hex").slice(0, 16)}`;
  }

  async generateDataKey(context: DataKeyContext): Promise<{ plaintext: Buffer; wrapped: Uint8Array }> {
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: await this.wrap(plaintext, context) };
  }

  async wrap(dataKey: Uint8Array, context: DataKeyContext): Promise<Uint8Array> {
    return sealRecord(this.#key, dataKey, binding(context));
  }

  async unwrap(wrapped: Uint8Array, context: DataKeyContext): Promise<Buffer> {
    return this.#open(wrapped, context).plaintext;
  }

  /**
   * Migration: the same data key wrapped as an AEAD record when `wrapped` is in the legacy
   * format, null when it is already current. The plaintext is overwritten before this returns.
   */
  async rewrapLegacy(wrapped: Uint8Array, context: DataKeyContext): Promise<Uint8Array | null> {
    const { plaintext, legacy } = this.#open(wrapped, context);
    try {
      return legacy ? sealRecord(this.#key, plaintext, binding(context)) : null;
    } finally {
      plaintext.fill(0);
    }
  }

  #open(wrapped: Uint8Array, context: DataKeyContext): { plaintext: Buffer; legacy: boolean } {
    try {
      return openRecordOrLegacy(this.#key, wrapped, binding(context), (stored) =>
        unwrapLegacyDataKey(this.#key, stored, context),
      );
    } catch (error) {
      throw new PlatformKeyError(
        "master_key.mismatch",
        "A data key could not be unwrapped: the master key is not the one it was wrapped with, or the record was altered.",
        { cause: error },
      );
    }
  }
}

/** The data key of organisation `orgId`, or of a platform-level owner named the same way (DataKeyContext). */
function binding(context: DataKeyContext): RecordBinding {
  return { table: "DataKey", column: "wrappedKey", rowId: context.orgId };
}
