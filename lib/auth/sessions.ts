import type { Db, Tx } from "@/lib/db/client";

/**
 * Server-side records of signed-in browsers. The session cookie (a signed, encrypted JWT)
 * carries a record's id; a cookie is worth something only while its record is neither ended
 * (sign-out, sign out everywhere, a password change) nor older than the session lifetime,
 * which every request that reads the session checks here.
 */
export async function startSession(db: Db, userId: string, maxAgeSeconds: number): Promise<string> {
  // Records past the lifetime can never be live again; forgetting the user's own keeps the table small.
  await db.userSession.deleteMany({
    where: { userId, createdAt: { lt: new Date(Date.now() - maxAgeSeconds * 1000) } },
  });
  const session = await db.userSession.create({ data: { userId }, select: { id: true } });
  return session.id;
}

/** True while the session is the user's, not ended, and younger than maxAgeSeconds (an absolute lifetime). */
export async function isSessionLive(
  db: Db,
  sessionId: string,
  userId: string,
  maxAgeSeconds: number,
): Promise<boolean> {
  const session = await db.userSession.findUnique({
    where: { id: sessionId },
    select: { userId: true, createdAt: true, revokedAt: true },
  });
  return (
    session !== null &&
    session.userId === userId &&
    session.revokedAt === null &&
    session.createdAt.getTime() > Date.now() - maxAgeSeconds * 1000
  );
}

/** Ends one session; true when it was still live. */
export async function endSession(db: Db | Tx, userId: string, sessionId: string): Promise<boolean> {
  const ended = await db.userSession.updateMany({
    where: { id: sessionId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return ended.count > 0;
}

/** Ends every session of the user except `keep` (the one asking, when it stays signed in); returns how many ended. */
export async function endSessionsOf(db: Db | Tx, userId: string, keep: string | null = null): Promise<number> {
  const ended = await db.userSession.updateMany({
    where: { userId, revokedAt: null, ...(keep === null ? {} : { id: { not: keep } }) },
    data: { revokedAt: new Date() },
  });
  return ended.count;
}

/** Every user's sessions past their maximum age (revoked or not): run by the background jobs. */
export async function removeExpiredSessions(db: Db, maxAgeSeconds: number): Promise<number> {
  const removed = await db.userSession.deleteMany({
    where: { createdAt: { lt: new Date(Date.now() - maxAgeSeconds * 1000) } },
  });
  return removed.count;
}
