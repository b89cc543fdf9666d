"use server";

import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { signOutEverywhere, signOutSession } from "@/lib/auth/sign-out";
import { ForbiddenError } from "@/lib/access/access-errors";
import { authorize } from "@/lib/access/org-context";
import { createOrganisation } from "@/lib/auth/organisations";
import { failure, formValues, isNextControlFlow, type ActionState } from "@/app/_server/action-state";
import { signOut } from "@/app/_server/auth";
import { requestMeta } from "@/app/_server/request-meta";
import { ACTIVE_ORG_COOKIE, currentSession, requireSession, requireUser } from "@/app/_server/session";

const ACTIVE_ORG_COOKIE_OPTIONS = {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: process.env.SIGNET_PUBLIC_URL?.startsWith("https:") === true,
} as const;

/** Ends this browser's session on the server (a copied cookie stops working) and clears the cookie. */
export async function signOutAction(): Promise<void> {
  const session = await currentSession();
  if (session !== null) await signOutSession(await getDb(), session.user.id, session.sessionId, await requestMeta());
  (await cookies()).delete(ACTIVE_ORG_COOKIE);
  await signOut({ redirectTo: "/sign-in?notice=signed-out" });
}

/** Ends every session of the account, this one included (a lost laptop, a shared computer). */
export async function signOutEverywhereAction(): Promise<void> {
  const { user } = await requireSession();
  await signOutEverywhere(await getDb(), user.id, await requestMeta());
  (await cookies()).delete(ACTIVE_ORG_COOKIE);
  await signOut({ redirectTo: "/sign-in?notice=signed-out" });
}

/**
 * Switches the active organisation; membership is checked, the cookie is only a preference.
 * An organisation the person does not belong to (or a malformed id) is simply not found.
 */
export async function switchOrganisationAction(form: FormData): Promise<void> {
  const user = await requireUser();
  const orgId = z.string().uuid().safeParse(form.get("orgId"));
  if (!orgId.success) notFound();
  try {
    await authorize(await getDb(), user.id, orgId.data, "organisation.view");
  } catch (error) {
    if (error instanceof ForbiddenError) notFound();
    throw error;
  }
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId.data, ACTIVE_ORG_COOKIE_OPTIONS);
  redirect("/dashboard");
}

export async function createOrganisationAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["name"]);
  let orgId: string;
  try {
    const user = await requireUser();
    ({ orgId } = await createOrganisation(await getDb(), user.id, values.name ?? "", await requestMeta()));
  } catch (error) {
    if (isNextControlFlow(error)) throw error;
    return failure(error, values);
  }
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, ACTIVE_ORG_COOKIE_OPTIONS);
  redirect("/dashboard");
}
