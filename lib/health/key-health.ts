import type { OrgContext } from "@/lib/access/org-context";
import { withKeyBackend } from "@/lib/custody/key-backends";
import type { Db } from "@/lib/db/client";
import { isSignetError } from "@/lib/engine/errors";
import { describeAwsKmsKey } from "@/lib/engine/keys/aws-kms";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms";
import { digest } from "@/lib/engine/crypto";
import { canonicalSpki } from "@/lib/engine/crypto";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { bytesEqual } from "@/lib/engine/asn1";
import { HealthError, withinMs } from "@/lib/health/health-errors";

export type KeyHealth = {
  keyId: string;
  label: string;
  backend: "PLATFORM" | "AWS_KMS" | "PKCS11";
  ok: boolean;
  /** How long the backend took to answer (or to fail). */
  ms: number;
  /** When not ok: the typed error, in words an administrator can act on. */
  error?: { code: string; message: string };
};

export type KeyHealthOptions = {
  /** Asked for only when a platform key is probed (a missing master key is then that key's error). */
  masterKey: () => Promise<MasterKey>;
  /** How KMS is reached (endpoint, credentials, timeouts); the region and role come from each key. */
  kmsConnection?: Omit<Partial<AwsKmsConnection>, "region" | "role">;
  timeoutMs?: number;
  /** Server-side record of unexpected failures (the answer says only that the backend failed). */
  onUnexpected?: (keyId: string, error: unknown) => void;
};

const PROBE = new TextEncoder().encode("signet health probe");

/** keyBackendFor takes a master key for every backend; only platform keys use it. */
const UNUSED_MASTER_KEY: MasterKey = {
  id: "unused",
  description: "not needed for this backend",
  generateDataKey: () => Promise.reject(new Error("no master key here")),
  wrap: () => Promise.reject(new Error("no master key here")),
  unwrap: () => Promise.reject(new Error("no master key here")),
};

/** Fast by default: a health check that waits 30 s for KMS retries answers nobody. */
const HEALTH_KMS_CONNECTION = { maxAttempts: 1, timeouts: { connectMs: 3_000, attemptMs: 5_000, totalMs: 8_000 } };

type KeyRow = {
  id: string;
  label: string;
  backend: KeyHealth["backend"];
  publicKey: Uint8Array;
  kmsKeyArn: string | null;
  kmsRegion: string | null;
  kmsRoleArn: string | null;
  kmsExternalId: string | null;
};

/**
 * Whether the backend of a key answers, without keeping any secret:
 * - platform: the key signs a probe (the data key is unwrapped and the key decrypted inside the
 *   backend's sign, overwritten there, and the signature checked against the recorded public key);
 * - AWS KMS: DescribeKey and GetPublicKey, and the public key must still be the registered one;
 * - PKCS#11: a session is opened and logged in, the key is found (with its registered public key),
 *   and the session is closed.
 */
async function probe(db: Db, orgId: string, key: KeyRow, options: KeyHealthOptions): Promise<void> {
  if (key.backend === "AWS_KMS") {
    if (key.kmsKeyArn === null || key.kmsRegion === null)
      throw new HealthError("health.backend_failed", `The AWS KMS reference of "${key.label}" is incomplete.`);
    const described = await describeAwsKmsKey({
      endpoint: process.env.SIGNET_AWS_KMS_ENDPOINT || undefined,
      ...HEALTH_KMS_CONNECTION,
      ...options.kmsConnection,
      keyId: key.kmsKeyArn,
      region: key.kmsRegion,
      role:
        key.kmsRoleArn === null ? undefined : { roleArn: key.kmsRoleArn, externalId: key.kmsExternalId ?? undefined },
    });
    if (!bytesEqual(described.publicKey, canonicalSpki(key.publicKey))) {
      throw new HealthError(
        "health.key_mismatch",
        `AWS KMS answers for "${key.label}", but with another public key than the one registered: the key behind the reference was replaced, and nothing can be sealed with it.`,
      );
    }
    return;
  }
  const masterKey = key.backend === "PLATFORM" ? await options.masterKey() : UNUSED_MASTER_KEY;
  await withKeyBackend(db, orgId, key.id, masterKey, async (backend) => {
    if (key.backend === "PLATFORM")
      await backend.sign({ message: PROBE, digest: digest("SHA-256", PROBE), hash: "SHA-256" });
  });
}

/** Probes every active key of the caller's organisation (the caller was authorised for "certificates.manage"). */
export async function keyHealth(db: Db, ctx: OrgContext, options: KeyHealthOptions): Promise<KeyHealth[]> {
  const keys = await db.signingKey.findMany({
    where: { orgId: ctx.orgId, state: "ACTIVE" },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      label: true,
      backend: true,
      publicKey: true,
      kmsKeyArn: true,
      kmsRegion: true,
      kmsRoleArn: true,
      kmsExternalId: true,
    },
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  return Promise.all(
    keys.map(async (key): Promise<KeyHealth> => {
      const base = { keyId: key.id, label: key.label, backend: key.backend };
      const start = performance.now();
      try {
        await withinMs(timeoutMs, `The backend of "${key.label}"`, () =>
          probe(db, ctx.orgId, { ...key, publicKey: new Uint8Array(key.publicKey) }, options),
        );
        return { ...base, ok: true, ms: Math.round(performance.now() - start) };
      } catch (error) {
        const ms = Math.round(performance.now() - start);
        if (isSignetError(error))
          return { ...base, ok: false, ms, error: { code: error.code, message: error.message } };
        options.onUnexpected?.(key.id, error);
        return {
          ...base,
          ok: false,
          ms,
          error: {
            code: "health.backend_failed",
            message: `The backend of "${key.label}" failed in an unexpected way; the server log has the details.`,
          },
        };
      }
    }),
  );
}
