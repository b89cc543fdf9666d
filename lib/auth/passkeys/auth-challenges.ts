import { randomUUID } from "node:crypto";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { Db, Tx } from "@/lib/db/client";

/** What a server-stored challenge may be used for; a challenge is only ever consumed for its own purpose. */
export type ChallengePurpose = "passkey.register" | "passkey.sign_in" | "seal.step_up";

/** Every challenge lives five minutes. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;

// All times come from the database's clock, so every app instance agrees on them.
const NOW = `(now() AT TIME ZONE 'UTC')`;

export type NewChallenge = {
  purpose: ChallengePurpose;
  challenge: string;
  userId: string | null;
  orgId?: string | null;
  manifestHash?: string | null;
  manifest?: JsonValue | null;
};

export type StoredChallenge = {
  id: string;
  purpose: string;
  userId: string | null;
  orgId: string | null;
  challenge: string;
  manifestHash: string | null;
  manifest: unknown;
  expiresAt: Date;
  consumedAt: Date | null;
  /** Whether the database's clock says it has expired. */
  expired: boolean;
};

/** Stores a single-use challenge that expires CHALLENGE_TTL_SECONDS from now (database time). */
export async function storeChallenge(db: Db | Tx, input: NewChallenge): Promise<{ id: string; expiresAt: Date }> {
  const id = randomUUID();
  const manifest = input.manifest === undefined || input.manifest === null ? null : JSON.stringify(input.manifest);
  const rows = await db.$queryRawUnsafe<{ expiresAt: Date }[]>(
    `INSERT INTO "AuthChallenge" (id, purpose, "userId", "orgId", challenge, "manifestHash", manifest, "expiresAt", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS jsonb), ${NOW} + make_interval(secs => $8), ${NOW})
     RETURNING "expiresAt"`,
    id,
    input.purpose,
    input.userId,
    input.orgId ?? null,
    input.challenge,
    input.manifestHash ?? null,
    manifest,
    CHALLENGE_TTL_SECONDS,
  );
  const expiresAt = rows[0]?.expiresAt;
  if (expiresAt === undefined) throw new Error("the challenge was not stored");
  return { id, expiresAt: new Date(expiresAt) };
}

/** The challenge with this id and purpose, or null; `expired` is judged by the database's clock. */
export async function findChallenge(
  db: Db | Tx,
  id: string,
  purpose: ChallengePurpose,
): Promise<StoredChallenge | null> {
  const rows = await db.$queryRawUnsafe<(Omit<StoredChallenge, "expired"> & { expired: boolean })[]>(
    `SELECT id, purpose, "userId", "orgId", challenge, "manifestHash", manifest, "expiresAt", "consumedAt", ("expiresAt" <= ${NOW}) AS expired
       FROM "AuthChallenge" WHERE id = $1 AND purpose = $2`,
    id,
    purpose,
  );
  const row = rows[0];
  return row === undefined
    ? null
    : {
        ...row,
        expiresAt: new Date(row.expiresAt),
        consumedAt: row.consumedAt === null ? null : new Date(row.consumedAt),
        expired: Boolean(row.expired),
      };
}

/**
 * Marks the challenge used, atomically: only one caller ever gets `true`, and only while the
 * challenge is unused and unexpired. Run it in the transaction that makes use of the challenge.
 */
export async function consumeChallenge(tx: Db | Tx, id: string, purpose: ChallengePurpose): Promise<boolean> {
  const count = await tx.$executeRawUnsafe(
    `UPDATE "AuthChallenge" SET "consumedAt" = ${NOW} WHERE id = $1 AND purpose = $2 AND "consumedAt" IS NULL AND "expiresAt" > ${NOW}`,
    id,
    purpose,
  );
  return count === 1;
}

/**
 * Deletes the sign-in and registration challenges that expired over an hour ago, so that
 * unauthenticated requests for sign-in challenges cannot grow the table without bound.
 * Step-up challenges are kept: a seal batch refers to its challenge.
 */
export async function purgeStaleChallenges(db: Db | Tx): Promise<number> {
  return db.$executeRawUnsafe(
    `DELETE FROM "AuthChallenge" WHERE purpose IN ('passkey.sign_in', 'passkey.register') AND "expiresAt" < ${NOW} - interval '1 hour'`,
  );
}
