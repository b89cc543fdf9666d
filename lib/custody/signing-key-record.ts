import type { OrgContext } from "@/lib/access/org-context";
import type { Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { describeKeyAlgorithm, keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto";
import { spkiSha256 } from "@/lib/custody/spki-sha256";

/** Where a customer-held key lives (never a secret): the backend-specific columns of SigningKey. */
export type KeyReference =
  | { backend: "PLATFORM" }
  | { backend: "AWS_KMS"; kmsKeyArn: string; kmsRegion: string; kmsRoleArn?: string; kmsExternalId?: string }
  | {
      backend: "PKCS11";
      pkcs11Module: string;
      pkcs11Token: string;
      pkcs11KeyLabel: string | null;
      pkcs11KeyId: string;
      pkcs11PinEnv: string;
    };

/** Writes a SigningKey row: label, backend reference, public key, its algorithm and fingerprint. */
export async function createSigningKeyRecord(
  tx: Tx,
  ctx: OrgContext,
  key: { keyId: string; label: string; spki: Uint8Array; reference: KeyReference },
): Promise<{ publicKeySha256: string }> {
  const publicKeySha256 = spkiSha256(key.spki);
  const data: Prisma.SigningKeyUncheckedCreateInput = {
    ...key.reference,
    id: key.keyId,
    orgId: ctx.orgId,
    label: key.label,
    algorithm: describeKeyAlgorithm(keyAlgorithmOf(publicKeyFromSpki(key.spki))),
    publicKey: Buffer.from(key.spki),
    publicKeySha256,
    createdById: ctx.userId,
  };
  await tx.signingKey.create({ data });
  return { publicKeySha256 };
}
