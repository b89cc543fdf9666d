import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sealRecord } from "@/lib/engine/crypto/aead-record";
import { openLegacyBox } from "@/lib/engine/crypto/legacy-box";
import { openRecordOrLegacy } from "@/lib/engine/crypto/open-record-or-legacy";

const key = randomBytes(32);
const binding = { table: "T", column: "c", rowId: "row-1" };
const legacyAad = Buffer.from("legacy additional data", "utf8");
const plaintext = Buffer.from("a key worth keeping", "utf8");
const openLegacy = (stored: Uint8Array) => openLegacyBox(key, stored, legacyAad);

/** IV ‖ ciphertext ‖ tag, as the unversioned box was written, built here with node:crypto alone. */
function legacyBox(iv: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(legacyAad);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

describe("reading a record by its header, with the legacy format behind it", () => {
  it("opens an AEAD record as current and a legacy box as legacy", () => {
    const current = openRecordOrLegacy(key, sealRecord(key, plaintext, binding), binding, openLegacy);
    expect(current.legacy).toBe(false);
    expect(current.plaintext.equals(plaintext)).toBe(true);
    const legacy = openRecordOrLegacy(key, legacyBox(randomBytes(12)), binding, openLegacy);
    expect(legacy.legacy).toBe(true);
    expect(legacy.plaintext.equals(plaintext)).toBe(true);
  });

  it("opens a legacy box whose random IV happens to begin with the header", () => {
    const box = legacyBox(Buffer.concat([Buffer.from("SGAE\x01", "latin1"), randomBytes(7)]));
    const opened = openRecordOrLegacy(key, box, binding, openLegacy);
    expect(opened).toMatchObject({ legacy: true });
    expect(opened.plaintext.equals(plaintext)).toBe(true);
  });

  it("refuses a record bound to another row with the record reader's error, and a foreign box with the legacy one's", () => {
    const record = sealRecord(key, plaintext, binding);
    expect(() => openRecordOrLegacy(key, record, { ...binding, rowId: "row-2" }, openLegacy)).toThrow(
      expect.objectContaining({ code: "aead_record.refused" }),
    );
    const other = randomBytes(32);
    expect(() =>
      openRecordOrLegacy(other, legacyBox(randomBytes(12)), binding, (stored) =>
        openLegacyBox(other, stored, legacyAad),
      ),
    ).toThrow(/authenticate/);
  });
});
