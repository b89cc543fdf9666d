import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db, Tx } from "@/lib/db/client";
import { encryptPrivateKey } from "@/lib/engine/keys/platform";
import {
  DEFAULT_PLATFORM_KEY_ALGORITHM,
  generatePlatformKey,
  PLATFORM_KEY_ALGORITHMS,
  type PlatformKeyAlgorithm,
} from "@/lib/engine/keys/platform";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { CustodyError } from "@/lib/custody/custody-errors";
import { organisationDataKey, storeKeyMaterial } from "@/lib/custody/key-material-store";
import { createSigningKeyRecord } from "@/lib/custody/signing-key-record";

export const keyLabelSchema = z
  .string()
  .trim()
  .min(1, "Give the key a name.")
  .max(80, "Use at most 80 characters for the key's name.");

export const platformKeyInputSchema = z.object({
  label: keyLabelSchema,
  algorithm: z
    .enum(Object.keys(PLATFORM_KEY_ALGORITHMS) as [PlatformKeyAlgorithm, ...PlatformKeyAlgorithm[]])
    .default(DEFAULT_PLATFORM_KEY_ALGORITHM),
});

export { spkiSha256 } from "@/lib/custody/spki-sha256";

/**
 * Generates a key pair in this process and keeps only its encrypted PKCS#8: the plaintext is
 * encrypted under the organisation's data key (bound to organisation and key id) and
 * overwritten before this function returns. The key record, its ciphertext and the audit
 * entry are written in one transaction. The caller was authorised for "certificates.manage".
 */
export async function createPlatformKey(
  db: Db,
  ctx: OrgContext,
  input: z.input<typeof platformKeyInputSchema>,
  masterKey: MasterKey,
  request: RequestMeta,
): Promise<{ keyId: string }> {
  const { label, algorithm } = platformKeyInputSchema.parse(input);
  await assertLabelFree(db, ctx.orgId, label);
  const generated = await generatePlatformKey(algorithm);
  const keyId = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const { publicKeySha256 } = await storePlatformKey(
        tx,
        ctx,
        { keyId, label, pkcs8: generated.pkcs8, spki: generated.spki },
        masterKey,
      );
      await appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action: "key.generated",
        subjectType: "signing_key",
        subjectId: keyId,
        data: { label, backend: "PLATFORM", algorithm, publicKeySha256, masterKeyId: masterKey.id },
        request,
      });
      return { keyId };
    });
  } finally {
    generated.pkcs8.fill(0);
  }
}

/**
 * Stores a platform key inside the caller's transaction: the PKCS#8 is encrypted under the
 * organisation's data key (bound to organisation and key id), the data key overwritten, and the
 * key record and its ciphertext written. The caller overwrites `pkcs8` and writes the audit entry.
 */
export async function storePlatformKey(
  tx: Tx,
  ctx: OrgContext,
  key: { keyId: string; label: string; pkcs8: Uint8Array; spki: Uint8Array },
  masterKey: MasterKey,
): Promise<{ publicKeySha256: string }> {
  const dataKey = await organisationDataKey(tx, ctx.orgId, masterKey);
  let ciphertext: Uint8Array;
  try {
    ciphertext = encryptPrivateKey(key.pkcs8, dataKey, { orgId: ctx.orgId, keyId: key.keyId });
  } finally {
    dataKey.fill(0);
  }
  const { publicKeySha256 } = await createSigningKeyRecord(tx, ctx, {
    keyId: key.keyId,
    label: key.label,
    spki: key.spki,
    reference: { backend: "PLATFORM" },
  });
  await storeKeyMaterial(tx, { orgId: ctx.orgId, keyId: key.keyId }, ciphertext);
  return { publicKeySha256 };
}

export async function assertLabelFree(db: Db, orgId: string, label: string): Promise<void> {
  if ((await db.signingKey.count({ where: { orgId, label } })) > 0)
    throw new CustodyError(
      "custody.label_taken",
      `This organisation already has a key named "${label}". Choose another name.`,
    );
}
