"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { recordSignOut } from "@/lib/auth/sign-out";
import { authorize } from "@/lib/auth/org-context";
import { createOrganisation } from "@/lib/auth/organisations";
import { failure, formValues, isNextControlFlow, type ActionState } from "./action-state";
import { signOut } from "./auth";
import { requestMeta } from "./request-meta";
import { ACTIVE_ORG_COOKIE, currentUser, requireUser } from "./session";

const ACTIVE_ORG_COOKIE_OPTIONS = { httpOnly: true, sameSite: "lax", path: "/", secure: process.env.SIGNET_PUBLIC_URL?.startsWith("https:") === true } as const;

export async function signOutAction(): Promise<void> {
  const user = await currentUser();
  if (user !== null) await recordSignOut(await getDb(), user.id, await requestMeta());
  (await cookies()).delete(ACTIVE_ORG_COOKIE);
  await signOut({ redirectTo: "/sign-in?notice=signed-out" });
}

/** Switches the active organisation; membership is checked, the cookie is only a preference. */
export async function switchOrganisationAction(form: FormData): Promise<void> {
  const user = await requireUser();
  const orgId = z.string().uuid().parse(form.get("orgId"));
  await authorize(await getDb(), user.id, orgId, "organisation.view");
  (await cookies()).set(ACTIVE_ORG_COOKIE, orgId, ACTIVE_ORG_COOKIE_OPTIONS);
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
