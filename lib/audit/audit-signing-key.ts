/**
 * The platform audit key that signs checkpoints: Ed25519, generated on first need. This module
 * is the only reader of AuditSigningKey.privateKeyEncrypted (see secret-columns.test.ts).
 *
 * At rest the PKCS#8 is envelope-encrypted like organisations' platform keys: a fresh 32-byte
 * data key from the master key (context "platform-audit-key") encrypts it as an AEAD record
 * (lib/engine/crypto/aead-record.ts) bound to this table, column and key id (SHA-256 of the
 * SPKI). Layout of privateKeyEncrypted: version (1) ‖ length of the wrapped data key (2,
 * big-endian) ‖ wrapped data key ‖ sealed box. The envelope's version stays 1: both parts
 * inside say their own format (a record by its header; see openRecordOrLegacy), and boxes of
 * the legacy format are read until migrateAuditSigningKeys has rewritten them. Rotating the
 * master key re-wraps only the data key (rewrapAuditSigningKeys).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";
import { isAeadRecord, openRecordOrLegacy, sealRecord, type RecordBinding } from "@/lib/engine/crypto";
import {
  LEGACY_DATA_KEY_FORMAT,
  LocalMasterKey,
  type DataKeyContext,
  type MasterKey,
} from "@/lib/engine/keys/platform";
import { appendAudit } from "@/lib/audit/append-audit";
import { replaceAudited } from "@/lib/audit/record-reencryption";
import { AuditError } from "@/lib/audit/audit-errors";
import { LEGACY_AUDIT_KEY_FORMAT, openLegacyAuditKeyBox } from "@/lib/audit/legacy-audit-signing-key";

export const AUDIT_KEY_ALGORITHM = "Ed25519";
const DATA_KEY_CONTEXT: DataKeyContext = { orgId: "platform-audit-key" };
const VERSION = 1;

export type AuditPublicKey = {
  id: string;
  algorithm: string;
  publicKeyDer: Buffer;
  publicKeyPem: string;
  createdAt: Date;
  retiredAt: Date | null;
};

const PUBLIC_COLUMNS = { id: true, algorithm: true, publicKey: true, createdAt: true, retiredAt: true } as const;

function toPublicKey(row: {
  id: string;
  algorithm: string;
  publicKey: Uint8Array;
  createdAt: Date;
  retiredAt: Date | null;
}): AuditPublicKey {
  const der = Buffer.from(row.publicKey);
  return {
    id: row.id,
    algorithm: row.algorithm,
    publicKeyDer: der,
    publicKeyPem: spkiPem(der),
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}

export function spkiPem(der: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" })
    .export({ type: "spki", format: "pem" })
    .toString();
}

export function spkiKeyId(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

/** Every audit key ever used, public parts only (retired keys stay: old checkpoints name them). */
export async function auditPublicKeys(db: Db | Tx): Promise<AuditPublicKey[]> {
  const rows = await db.auditSigningKey.findMany({ select: PUBLIC_COLUMNS, orderBy: { createdAt: "asc" } });
  return rows.map(toPublicKey);
}

export async function auditPublicKey(db: Db | Tx, id: string): Promise<AuditPublicKey | null> {
  const row = await db.auditSigningKey.findUnique({ where: { id }, select: PUBLIC_COLUMNS });
  return row === null ? null : toPublicKey(row);
}

/**
 * The current (newest unretired) audit key, generated on first need. Two instances asking at
 * once agree on one key: creation holds a table lock that the re-check runs under.
 */
export async function ensureAuditSigningKey(db: Db, masterKey: MasterKey): Promise<AuditPublicKey> {
  const current = await db.auditSigningKey.findFirst({
    where: { retiredAt: null },
    select: PUBLIC_COLUMNS,
    orderBy: { createdAt: "desc" },
  });
  if (current !== null) return toPublicKey(current);
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`LOCK TABLE "AuditSigningKey" IN SHARE ROW EXCLUSIVE MODE`);
    const again = await tx.auditSigningKey.findFirst({
      where: { retiredAt: null },
      select: PUBLIC_COLUMNS,
      orderBy: { createdAt: "desc" },
    });
    if (again !== null) return toPublicKey(again);
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const spki = publicKey.export({ type: "spki", format: "der" });
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
    const id = spkiKeyId(spki);
    const dataKey = await masterKey.generateDataKey(DATA_KEY_CONTEXT);
    try {
      const box = sealRecord(dataKey.plaintext, pkcs8, recordBinding(id));
      const row = await tx.auditSigningKey.create({
        data: {
          id,
          algorithm: AUDIT_KEY_ALGORITHM,
          publicKey: spki,
          privateKeyEncrypted: Buffer.from(envelope(dataKey.wrapped, box)),
          masterKeyId: masterKey.id,
        },
        select: PUBLIC_COLUMNS,
      });
      await appendAudit(tx, {
        orgId: null,
        actorId: null,
        action: "key.generated",
        subjectType: "audit_signing_key",
        subjectId: id,
        data: { algorithm: AUDIT_KEY_ALGORITHM, masterKeyId: masterKey.id },
      });
      return toPublicKey(row);
    } finally {
      pkcs8.fill(0);
      dataKey.plaintext.fill(0);
    }
  });
}

function recordBinding(keyId: string): RecordBinding {
  return { table: "AuditSigningKey", column: "privateKeyEncrypted", rowId: keyId };
}

/** The box's PKCS#8 (the caller overwrites it), and whether the box is in the legacy format. */
function openKeyBox(dataKey: Uint8Array, box: Uint8Array, keyId: string): { plaintext: Buffer; legacy: boolean } {
  return openRecordOrLegacy(dataKey, box, recordBinding(keyId), (stored) =>
    openLegacyAuditKeyBox(dataKey, stored, keyId),
  );
}

function envelope(wrapped: Uint8Array, box: Uint8Array): Uint8Array {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrapped.length);
  return Buffer.concat([Buffer.from([VERSION]), length, Buffer.from(wrapped), Buffer.from(box)]);
}

function openEnvelope(blob: Uint8Array): { wrapped: Buffer; box: Buffer } {
  const bytes = Buffer.from(blob);
  if (bytes.length < 3 || bytes[0] !== VERSION)
    throw new AuditError("audit.signing_key_unreadable", "The audit signing key's record has an unknown format.", {
      status: 500,
    });
  const length = bytes.readUInt16BE(1);
  if (bytes.length < 3 + length + 28)
    throw new AuditError("audit.signing_key_unreadable", "The audit signing key's record is truncated.", {
      status: 500,
    });
  return { wrapped: bytes.subarray(3, 3 + length), box: bytes.subarray(3 + length) };
}

/**
 * Signs `message` with the audit key `keyId`. The PKCS#8 exists in plaintext only inside this
 * call and is overwritten before it returns, as is the data key.
 */
export async function signWithAuditKey(
  db: Db | Tx,
  masterKey: MasterKey,
  keyId: string,
  message: Uint8Array,
): Promise<Buffer> {
  const row = await db.auditSigningKey.findUnique({
    where: { id: keyId },
    select: { id: true, retiredAt: true, masterKeyId: true, privateKeyEncrypted: true },
  });
  if (row === null || row.retiredAt !== null)
    throw new AuditError("audit.signing_key_unreadable", "The audit signing key is retired or missing.", {
      status: 500,
    });
  if (row.masterKeyId !== masterKey.id) {
    throw new AuditError(
      "audit.signing_key_unreadable",
      `The audit signing key was wrapped by another master key (${row.masterKeyId}); re-wrap it with \`signet keys rewrap\`.`,
      { status: 500 },
    );
  }
  const { wrapped, box } = openEnvelope(row.privateKeyEncrypted);
  const dataKey = await masterKey.unwrap(wrapped, DATA_KEY_CONTEXT);
  let pkcs8: Buffer | null = null;
  try {
    pkcs8 = openKeyBox(dataKey, box, row.id).plaintext;
    const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
    return sign(null, message, key);
  } catch (error) {
    if (error instanceof AuditError) throw error;
    throw new AuditError(
      "audit.signing_key_unreadable",
      "The audit signing key could not be decrypted (the record was altered or belongs to another master key).",
      { status: 500, cause: error instanceof Error ? error.name : undefined },
    );
  } finally {
    pkcs8?.fill(0);
    dataKey.fill(0);
  }
}

/** Master key rotation: re-wraps the audit keys' data keys from `current` to `next` (ciphertexts stay). */
export async function rewrapAuditSigningKeys(
  db: Db,
  current: MasterKey,
  next: MasterKey,
): Promise<{ rewrapped: number }> {
  let rewrapped = 0;
  const rows = await db.auditSigningKey.findMany({
    select: { id: true, masterKeyId: true, privateKeyEncrypted: true },
  });
  for (const row of rows) {
    if (row.masterKeyId === next.id) continue;
    const { wrapped, box } = openEnvelope(row.privateKeyEncrypted);
    const dataKey = await current.unwrap(wrapped, DATA_KEY_CONTEXT);
    try {
      const rewrappedKey = await next.wrap(dataKey, DATA_KEY_CONTEXT);
      await db.$transaction(async (tx) => {
        await tx.auditSigningKey.update({
          where: { id: row.id },
          data: { privateKeyEncrypted: Buffer.from(envelope(rewrappedKey, box)), masterKeyId: next.id },
        });
        await appendAudit(tx, {
          orgId: null,
          actorId: null,
          action: "master_key.rewrapped",
          subjectType: "audit_signing_key",
          subjectId: row.id,
          data: { from: current.id, to: next.id },
        });
      });
      rewrapped += 1;
    } finally {
      dataKey.fill(0);
    }
  }
  return { rewrapped };
}

/**
 * Start-up migration: rewrites each audit key whose sealed box is in the legacy format, or whose
 * data key the local master key wrapped in the legacy format, with both parts in the AEAD
 * record format (the data key itself is kept). One key per transaction with its audit entry in
 * the platform chain, written only if the row still holds the bytes read; safe to run again.
 * Keys that do not open under `masterKey` are reported and left as they are.
 */
export async function migrateAuditSigningKeys(
  db: Db,
  masterKey: MasterKey,
): Promise<{ migrated: number; unreadable: string[] }> {
  const result = { migrated: 0, unreadable: [] as string[] };
  const rows = await db.auditSigningKey.findMany({
    select: { id: true, masterKeyId: true, privateKeyEncrypted: true },
    orderBy: { createdAt: "asc" },
  });
  for (const row of rows) {
    // As for the other key records (migrateKeyRecords): only parts without the AEAD header are
    // taken up, so a start-up with nothing to migrate unwraps nothing.
    if (!mayBeLegacy(masterKey, row.privateKeyEncrypted)) continue;
    let next: { envelope: Uint8Array<ArrayBuffer>; from: string[] } | null;
    try {
      next = await reencryptedEnvelope(masterKey, row);
    } catch {
      result.unreadable.push(row.id);
      continue;
    }
    if (next === null) continue;
    const { envelope: rewritten, from } = next;
    const change = {
      subjectType: "audit_signing_key",
      subjectId: row.id,
      column: "AuditSigningKey.privateKeyEncrypted",
      from: from.join("+"),
    } as const;
    const done = await replaceAudited(db, change, async (tx) => {
      const updated = await tx.auditSigningKey.updateMany({
        where: {
          id: row.id,
          masterKeyId: row.masterKeyId,
          privateKeyEncrypted: { equals: Buffer.from(row.privateKeyEncrypted) },
        },
        data: { privateKeyEncrypted: rewritten },
      });
      return updated.count === 1;
    });
    if (done) result.migrated += 1;
  }
  return result;
}

function mayBeLegacy(masterKey: MasterKey, stored: Uint8Array): boolean {
  try {
    const { wrapped, box } = openEnvelope(stored);
    return !isAeadRecord(box) || (masterKey instanceof LocalMasterKey && !isAeadRecord(wrapped));
  } catch {
    return true;
  }
}

/** The row's envelope with its legacy parts rewritten, or null when nothing is legacy. Throws when it does not open. */
async function reencryptedEnvelope(
  masterKey: MasterKey,
  row: { id: string; masterKeyId: string; privateKeyEncrypted: Uint8Array },
): Promise<{ envelope: Uint8Array<ArrayBuffer>; from: string[] } | null> {
  if (row.masterKeyId !== masterKey.id)
    throw new AuditError("audit.signing_key_unreadable", "The audit signing key was wrapped by another master key.", {
      status: 500,
    });
  const { wrapped, box } = openEnvelope(row.privateKeyEncrypted);
  const from: string[] = [];
  // Only the local master key ever wrote a legacy wrapping; a KMS ciphertext is opaque and stays.
  const rewrapped =
    masterKey instanceof LocalMasterKey ? await masterKey.rewrapLegacy(wrapped, DATA_KEY_CONTEXT) : null;
  if (rewrapped !== null) from.push(LEGACY_DATA_KEY_FORMAT);
  const dataKey = await masterKey.unwrap(wrapped, DATA_KEY_CONTEXT);
  let pkcs8: Buffer | null = null;
  try {
    const opened = openKeyBox(dataKey, box, row.id);
    pkcs8 = opened.plaintext;
    const resealed = opened.legacy ? sealRecord(dataKey, pkcs8, recordBinding(row.id)) : null;
    if (resealed !== null) from.push(LEGACY_AUDIT_KEY_FORMAT);
    if (from.length === 0) return null;
    return { envelope: new Uint8Array(envelope(rewrapped ?? wrapped, resealed ?? box)), from };
  } finally {
    pkcs8?.fill(0);
    dataKey.fill(0);
  }
}
