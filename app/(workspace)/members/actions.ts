"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { readSettings } from "@/lib/config/settings";
import { createInvitation, invitationInputSchema, revokeInvitation } from "@/lib/auth/invitations";
import { auditOwnRolesRefused, removeMember } from "@/lib/auth/members";
import { OwnRolesError } from "@/lib/access/access-errors";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { outcomeMessage } from "@/app/_server/governed-messages";
import { Role } from "@/lib/access/roles";
import { failure, formValues, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";
import { requireOrgPermission } from "@/app/_server/session";

const idSchema = z.string().uuid("That item does not exist.");
const rolesSchema = z.array(z.enum(Role));

export async function inviteMemberAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["email"]);
  try {
    const { ctx } = await requireOrgPermission("members.invite");
    const input = invitationInputSchema.parse({ email: form.get("email"), roles: form.getAll("roles") });
    const settings = readSettings();
    const { token, expiresAt } = await createInvitation(
      await getDb(),
      ctx,
      input,
      settings.invitationTtlHours,
      await requestMeta(),
    );
    revalidatePath("/members");
    return {
      ok: true,
      message: `Invitation created for ${input.email}. Send them this link; it works once and expires ${expiresAt.toUTCString()}.`,
      reveal: `${settings.publicUrl}/invite/${token}`,
    };
  } catch (error) {
    return failure(error, values);
  }
}

export async function changeRolesAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("members.change_roles");
    const roles = rolesSchema.parse(form.getAll("roles"));
    const membershipId = idSchema.parse(form.get("membershipId"));
    const outcome = await submitGovernedAction(
      await getDb(),
      ctx,
      { kind: "member.roles", membershipId, roles },
      await requestMeta(),
    ).catch(async (error: unknown) => {
      if (error instanceof OwnRolesError)
        await auditOwnRolesRefused(await getDb(), ctx, membershipId, roles, await requestMeta());
      throw error;
    });
    revalidatePath("/members");
    revalidatePath("/approvals");
    return {
      ok: true,
      message:
        outcome.status === "done" ? `Roles saved: ${roles.join(", ")}.` : outcomeMessage("member.roles", outcome),
    };
  } catch (error) {
    return failure(error);
  }
}

export async function removeMemberAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("members.remove");
    await removeMember(await getDb(), ctx, idSchema.parse(form.get("membershipId")), await requestMeta());
    revalidatePath("/members");
    return { ok: true, message: "Member removed." };
  } catch (error) {
    return failure(error);
  }
}

export async function revokeInvitationAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("members.invite");
    await revokeInvitation(await getDb(), ctx, idSchema.parse(form.get("invitationId")), await requestMeta());
    revalidatePath("/members");
    return { ok: true, message: "Invitation withdrawn." };
  } catch (error) {
    return failure(error);
  }
}
