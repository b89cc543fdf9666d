import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { authorize, listOrganisationsOf, type OrgContext } from "@/lib/access/org-context";
import { ForbiddenError } from "@/lib/access/access-errors";
import type { Action } from "@/lib/access/permissions";
import { auth } from "@/app/_server/auth";

export const ACTIVE_ORG_COOKIE = "signet-org";

export type SessionUser = { id: string; email: string; name: string };

/**
 * The signed-in user, read again from the database (a deleted account's session is worthless).
 * auth() honours the cookie only while its server-side session record is live (see auth.ts).
 */
export async function currentUser(): Promise<SessionUser | null> {
  return (await currentSession())?.user ?? null;
}

/** The signed-in user and the id of this browser's session record (to end it, or to keep it when ending the others). */
export async function currentSession(): Promise<{ user: SessionUser; sessionId: string } | null> {
  const session = await auth();
  const id = session?.user?.id;
  const sessionId = session?.sessionId;
  if (id === undefined || sessionId === undefined) return null;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true } });
  return user === null ? null : { user, sessionId };
}

export async function requireSession(): Promise<{ user: SessionUser; sessionId: string }> {
  const session = await currentSession();
  if (session === null) redirect("/sign-in");
  return session;
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (user === null) redirect("/sign-in");
  return user;
}

export type OrgChoice = { id: string; name: string; roles: OrgContext["roles"] };

/** The organisations of the user and the one they work in now (the cookie only chooses among their memberships). */
export async function organisationsOf(
  userId: string,
): Promise<{ organisations: OrgChoice[]; active: OrgChoice | null }> {
  const organisations = await listOrganisationsOf(await getDb(), userId);
  const wanted = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  const active = organisations.find((org) => org.id === wanted) ?? organisations[0] ?? null;
  return { organisations, active };
}

/**
 * For pages and actions: the signed-in user, authorised for `action` in their active
 * organisation. Throws ForbiddenError (actions turn it into a message) when they may not.
 */
export async function requireOrgPermission(
  action: Action,
): Promise<{ user: SessionUser; ctx: OrgContext; organisations: OrgChoice[]; active: OrgChoice }> {
  const user = await requireUser();
  const { organisations, active } = await organisationsOf(user.id);
  if (active === null) redirect("/no-organisation");
  const ctx = await authorize(await getDb(), user.id, active.id, action);
  return { user, ctx, organisations, active };
}

/**
 * For pages: like requireOrgPermission, but a member without the permission gets the
 * not-found page (which says nothing about what is there) instead of a server error.
 */
export async function requirePagePermission(action: Action): ReturnType<typeof requireOrgPermission> {
  try {
    return await requireOrgPermission(action);
  } catch (error) {
    if (error instanceof ForbiddenError) notFound();
    throw error;
  }
}
