import { createDecipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isAeadRecord, openRecord, sealRecord, type RecordBinding } from "@/lib/engine/crypto/aead-record";
import { AeadRecordError } from "@/lib/engine/crypto/aead-record-errors";

const key = randomBytes(32);
const binding = {
  table: "TotpFactor",
  column: "secretEncrypted",
  rowId: "0b5e6f3e-8a37-4a0c-9b1e-3f0f3c2a9d10",
} satisfies RecordBinding;
const plaintext = Buffer.from("a secret worth keeping", "utf8");

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AeadRecordError);
    expect(String(error) + JSON.stringify(error)).not.toContain(plaintext.toString("utf8"));
    return (error as AeadRecordError).code;
  }
  return undefined;
}

describe("AEAD at-rest records", () => {
  it("round-trip with a fresh IV each time; the layout is magic ‖ version ‖ IV(12) ‖ ciphertext ‖ tag(16)", () => {
    const one = Buffer.from(sealRecord(key, plaintext, binding));
    const two = Buffer.from(sealRecord(key, plaintext, binding));
    expect(one.equals(two)).toBe(false);
    expect(one.includes(plaintext)).toBe(false);
    expect(one.subarray(0, 5)).toEqual(Buffer.from("SGAE\x01", "latin1"));
    expect(one.length).toBe(5 + 12 + plaintext.length + 16);
    expect(openRecord(key, one, binding).equals(plaintext)).toBe(true);
    expect(isAeadRecord(one)).toBe(true);
  });

  it("is plain AES-256-GCM: a standard decipher opens it given the documented associated data", () => {
    const sealed = Buffer.from(sealRecord(key, plaintext, binding));
    const field = (s: string) => {
      const b = Buffer.from(s, "utf8");
      const n = Buffer.alloc(4);
      n.writeUInt32BE(b.length);
      return Buffer.concat([n, b]);
    };
    const aad = Buffer.concat([
      sealed.subarray(0, 5),
      ...["signet/aead-record/v1", binding.table, binding.column, binding.rowId].map(field),
    ]);
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(5, 17));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    expect(
      Buffer.concat([decipher.update(sealed.subarray(17, sealed.length - 16)), decipher.final()]).equals(plaintext),
    ).toBe(true);
  });

  it("refuses another row, column or table, and another key, with a typed error", () => {
    const sealed = sealRecord(key, plaintext, binding);
    expect(refusal(() => openRecord(key, sealed, { ...binding, rowId: "6c3f1d9a-2b4e-4f5a-8c7d-1e2f3a4b5c6d" }))).toBe(
      "aead_record.refused",
    );
    expect(refusal(() => openRecord(key, sealed, { ...binding, column: "otherColumn" }))).toBe("aead_record.refused");
    expect(refusal(() => openRecord(key, sealed, { ...binding, table: "Organization" }))).toBe("aead_record.refused");
    // Length prefixes: moving a character between fields is another binding.
    expect(
      refusal(() => openRecord(key, sealed, { table: "TotpFactors", column: "ecretEncrypted", rowId: binding.rowId })),
    ).toBe("aead_record.refused");
    expect(refusal(() => openRecord(randomBytes(32), sealed, binding))).toBe("aead_record.refused");
  });

  it("refuses a flipped bit anywhere in IV, ciphertext or tag", () => {
    const sealed = Buffer.from(sealRecord(key, plaintext, binding));
    for (let i = 5; i < sealed.length; i++) {
      const flipped = Buffer.from(sealed);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      expect(refusal(() => openRecord(key, flipped, binding))).toBe("aead_record.refused");
    }
  });

  it("refuses an unknown version, a truncated record and anything without the magic", () => {
    const sealed = Buffer.from(sealRecord(key, plaintext, binding));
    const version2 = Buffer.from(sealed);
    version2[4] = 0x02;
    expect(refusal(() => openRecord(key, version2, binding))).toBe("aead_record.unsupported_version");
    expect(refusal(() => openRecord(key, sealed.subarray(0, 5 + 12 + 15), binding))).toBe("aead_record.malformed");
    const legacy = Buffer.concat([Buffer.from([1]), randomBytes(40)]);
    expect(isAeadRecord(legacy)).toBe(false);
    expect(refusal(() => openRecord(key, legacy, binding))).toBe("aead_record.malformed");
  });

  it("binds a row id of several parts part by part", () => {
    const composite = { table: "SigningKey", column: "privateKey", rowId: ["org_a", "key_bc"] };
    const sealed = sealRecord(key, plaintext, composite);
    expect(openRecord(key, sealed, composite).equals(plaintext)).toBe(true);
    expect(refusal(() => openRecord(key, sealed, { ...composite, rowId: ["org_ak", "ey_bc"] }))).toBe(
      "aead_record.refused",
    );
    expect(refusal(() => openRecord(key, sealed, { ...composite, rowId: ["org_b", "key_bc"] }))).toBe(
      "aead_record.refused",
    );
    expect(refusal(() => openRecord(key, sealed, { ...composite, rowId: "org_a" }))).toBe("aead_record.refused");
  });
});
