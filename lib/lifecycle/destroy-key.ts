import { z } from "zod";
import { appendAudit } from "@/lib/audit/append-audit";
import { eraseKeyMaterial } from "@/lib/custody/key-material-store";
import type { Tx } from "@/lib/db/client";
import { approvalFacts, type LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";

export const destroyKeySchema = z.object({
  keyId: z.string().uuid("Choose the key to destroy."),
  reason: z
    .string()
    .trim()
    .min(3, "Give the reason for destroying this key.")
    .max(500, "Keep the reason under 500 characters."),
});
export type DestroyKey = z.infer<typeof destroyKeySchema>;

export async function checkKeyDestruction(tx: Tx, orgId: string, action: DestroyKey) {
  await tx.$queryRaw`SELECT id FROM "SigningKey" WHERE id = ${action.keyId} AND "orgId" = ${orgId} FOR UPDATE`;
  const key = await tx.signingKey.findFirst({
    where: { id: action.keyId, orgId },
    include: { certificates: { select: { id: true, sha256: true, state: true } } },
  });
  if (key === null)
    throw new LifecycleError("lifecycle.not_found", "That signing key was not found in this organisation.");
  if (key.state === "DESTROYED")
    throw new LifecycleError("lifecycle.key_destroyed", `The key "${key.label}" is already destroyed.`);
  return key;
}

/**
 * Destroys a key: crypto-erasure of a platform key's ciphertext, or forgetting a KMS/HSM key
 * reference (the customer's key itself is theirs to delete). The public key and certificates
 * stay, so every seal it made still verifies; the key can never sign again.
 */
export async function destroyKeyInTx(
  tx: Tx,
  actor: LifecycleActor,
  action: DestroyKey,
  now = new Date(),
): Promise<void> {
  const key = await checkKeyDestruction(tx, actor.orgId, action);
  const erased = key.backend === "PLATFORM" ? await eraseKeyMaterial(tx, key.id) : false;
  await tx.signingKey.update({
    where: { id: key.id },
    data: {
      state: "DESTROYED",
      destroyedAt: now,
      kmsKeyArn: null,
      kmsRegion: null,
      kmsRoleArn: null,
      kmsExternalId: null,
      pkcs11Module: null,
      pkcs11Token: null,
      pkcs11KeyLabel: null,
      pkcs11KeyId: null,
      pkcs11PinEnv: null,
    },
  });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "key.destroyed",
    subjectType: "key",
    subjectId: key.id,
    data: {
      label: key.label,
      backend: key.backend,
      publicKeySha256: key.publicKeySha256,
      method:
        key.backend === "PLATFORM"
          ? erased
            ? "ciphertext erased"
            : "no ciphertext was stored"
          : "key reference forgotten",
      reason: action.reason,
      certificates: key.certificates.map((c) => ({ id: c.id, sha256: c.sha256, state: c.state })),
      ...approvalFacts(actor),
    },
    request: actor.request,
  });
}
