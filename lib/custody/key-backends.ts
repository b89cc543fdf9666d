import type { Db } from "@/lib/db/client";
import type { KeyBackend } from "@/lib/engine/keys";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto";
import { AwsKmsKeyBackend } from "@/lib/engine/keys/aws-kms";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { PlatformKeyBackend } from "@/lib/engine/keys/platform";
import { CustodyError } from "@/lib/custody/custody-errors";
import { keyMaterialSource } from "@/lib/custody/key-material-store";
import { Pkcs11KeyBackend } from "@/lib/engine/keys/pkcs11";
import { assertAllowedPkcs11Module, pkcs11Pin } from "@/lib/custody/pkcs11-modules";
import { measuredKeyBackend, recordKeyBackendError } from "@/lib/custody/measured-key-backend";
import type { SigningKey } from "@/lib/db/generated/client";
import { backendLabel } from "@/lib/metrics/signet-metrics";

/**
 * The KeyBackend for one key of one organisation. The key is looked up within `orgId` only,
 * so another organisation's key id is simply not found. Its signatures are timed and its
 * failures (opening it included) counted for GET /metrics (measured-key-backend.ts).
 */
export async function keyBackendFor(
  db: Db,
  orgId: string,
  keyId: string,
  masterKey: MasterKey,
  kmsConnection: Omit<Partial<AwsKmsConnection>, "region" | "role"> = {
    endpoint: process.env.SIGNET_AWS_KMS_ENDPOINT || undefined,
  },
): Promise<KeyBackend> {
  const key = await db.signingKey.findFirst({ where: { id: keyId, orgId } });
  if (key === null)
    throw new CustodyError("custody.key_not_found", "That signing key was not found in this organisation.", {
      status: 404,
    });
  if (key.state === "DESTROYED")
    throw new CustodyError(
      "custody.key_destroyed",
      `The key "${key.label}" was destroyed; it cannot sign any more. Documents it sealed still verify.`,
      { status: 409 },
    );
  const label = backendLabel(key.backend);
  try {
    return measuredKeyBackend(await openKeyBackend(key, orgId, masterKey, db, kmsConnection), label);
  } catch (error) {
    recordKeyBackendError(label, error);
    throw error;
  }
}

async function openKeyBackend(
  key: SigningKey,
  orgId: string,
  masterKey: MasterKey,
  db: Db,
  kmsConnection: Omit<Partial<AwsKmsConnection>, "region" | "role">,
): Promise<KeyBackend> {
  const spki = new Uint8Array(key.publicKey);
  switch (key.backend) {
    case "PLATFORM":
      return new PlatformKeyBackend({
        context: { orgId, keyId: key.id },
        spki,
        algorithm: keyAlgorithmOf(publicKeyFromSpki(spki)),
        masterKey,
        material: keyMaterialSource(db),
        label: key.label,
      });
    case "AWS_KMS":
      if (key.kmsKeyArn === null || key.kmsRegion === null)
        throw new CustodyError(
          "custody.backend_unavailable",
          `The AWS KMS reference of "${key.label}" is incomplete.`,
          { status: 409 },
        );
      return new AwsKmsKeyBackend({
        ...kmsConnection,
        keyId: key.kmsKeyArn,
        region: key.kmsRegion,
        publicKey: spki,
        role:
          key.kmsRoleArn === null ? undefined : { roleArn: key.kmsRoleArn, externalId: key.kmsExternalId ?? undefined },
      });
    case "PKCS11": {
      if (key.pkcs11Module === null || key.pkcs11Token === null || key.pkcs11PinEnv === null)
        throw new CustodyError(
          "custody.backend_unavailable",
          `The PKCS#11 reference of "${key.label}" is incomplete.`,
          { status: 409 },
        );
      assertAllowedPkcs11Module(key.pkcs11Module);
      return Pkcs11KeyBackend.open({
        modulePath: key.pkcs11Module,
        tokenLabel: key.pkcs11Token,
        keyLabel: key.pkcs11KeyId === null ? (key.pkcs11KeyLabel ?? undefined) : undefined,
        keyId: key.pkcs11KeyId ?? undefined,
        pin: pkcs11Pin(key.pkcs11PinEnv),
        publicKey: spki,
      });
    }
  }
}

/** Opens a key's backend for one piece of work and always closes it (PKCS#11 sessions, KMS sockets). */
export async function withKeyBackend<T>(
  db: Db,
  orgId: string,
  keyId: string,
  masterKey: MasterKey,
  work: (backend: KeyBackend) => Promise<T>,
): Promise<T> {
  const backend = await keyBackendFor(db, orgId, keyId, masterKey);
  try {
    return await work(backend);
  } finally {
    await backend.close?.();
  }
}
