import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { appendAccountAudit } from "@/lib/auth/passkeys/account-audit";
import { endSession, endSessionsOf } from "@/lib/auth/sessions";

/** Ends this browser's session on the server (a copied cookie is worthless from now on) and audits it. */
export async function signOutSession(
  db: Db,
  userId: string,
  sessionId: string | null,
  request: RequestMeta,
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (sessionId !== null) await endSession(tx, userId, sessionId);
    await appendAccountAudit(tx, {
      userId,
      action: "auth.sign_out",
      subjectType: "user",
      subjectId: userId,
      data: {},
      request,
    });
  });
}

/** Ends every session of the user, this one included, and audits how many were ended. */
export async function signOutEverywhere(
  db: Db,
  userId: string,
  request: RequestMeta,
): Promise<{ sessionsEnded: number }> {
  return db.$transaction(async (tx) => {
    const sessionsEnded = await endSessionsOf(tx, userId);
    await appendAccountAudit(tx, {
      userId,
      action: "auth.signed_out_everywhere",
      subjectType: "user",
      subjectId: userId,
      data: { sessionsEnded },
      request,
    });
    return { sessionsEnded };
  });
}
