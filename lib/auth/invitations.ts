import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/access/access-errors";
import { InvalidCredentialsError, InvitationUnusableError } from "@/lib/auth/auth-errors";
import { emailSchema } from "@/lib/auth/email";
import type { OrgContext } from "@/lib/access/org-context";
import { hashPassword, passwordSchema, verifyPassword } from "@/lib/auth/password";
import { attemptPassword } from "@/lib/auth/password-attempt";
import { mayChangeRoles } from "@/lib/access/permissions";
import { grantsGovernedRole } from "@/lib/auth/members";
import { normaliseRoles, Role } from "@/lib/access/roles";

export const invitationInputSchema = z.object({
  email: emailSchema,
  roles: z.array(z.enum(Role)).min(1, "Choose at least one role for the new member."),
});
export type InvitationInput = z.infer<typeof invitationInputSchema>;

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Creates a single-use invitation and returns its token exactly once; only its SHA-256 is
 * stored, so a database reader cannot accept invitations. The caller must have been
 * authorised for "members.invite" in ctx.orgId.
 */
export async function createInvitation(
  db: Db,
  ctx: OrgContext,
  input: InvitationInput,
  ttlHours: number,
  request: RequestMeta,
): Promise<{ invitationId: string; token: string; expiresAt: Date }> {
  const roles = normaliseRoles(input.roles);
  if (!mayChangeRoles(ctx.roles, [], roles)) throw new ForbiddenError("Only an owner can invite another owner.");
  const existing = await db.membership.findFirst({ where: { orgId: ctx.orgId, user: { email: input.email } } });
  if (existing !== null) throw new ValidationError(`${input.email} is already a member of this organisation.`, "email");
  const { approvalsRequired } = await db.organization.findUniqueOrThrow({
    where: { id: ctx.orgId },
    select: { approvalsRequired: true },
  });
  if (approvalsRequired >= 2 && grantsGovernedRole([], roles)) {
    throw new ValidationError(
      "Dual control is on: invite the member without the owner, administrator or signer role, then grant it on the members page, where other administrators approve it.",
      "roles",
    );
  }

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.create({
      data: {
        orgId: ctx.orgId,
        email: input.email,
        roles,
        tokenHash: hashInvitationToken(token),
        invitedById: ctx.userId,
        expiresAt,
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "invitation.created",
      subjectType: "invitation",
      subjectId: invitation.id,
      data: { email: input.email, roles, expiresAt: expiresAt.toISOString() },
      request,
    });
    return { invitationId: invitation.id, token, expiresAt };
  });
}

export async function revokeInvitation(
  db: Db,
  ctx: OrgContext,
  invitationId: string,
  request: RequestMeta,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: invitationId, orgId: ctx.orgId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count !== 1) throw new NotFoundError("That pending invitation");
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "invitation.revoked",
      subjectType: "invitation",
      subjectId: invitationId,
      request,
    });
  });
}

export async function listPendingInvitations(db: Db, ctx: OrgContext) {
  return db.invitation.findMany({
    where: { orgId: ctx.orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, roles: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}

/** The same shape whether an account exists for the email or not: the page must not tell. */
export type InvitationView = { organisationName: string; email: string; roles: Role[] };

export async function describeInvitation(db: Db, token: string): Promise<InvitationView> {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { org: true },
  });
  assertUsable(invitation);
  return { organisationName: invitation.org.name, email: invitation.email, roles: invitation.roles };
}

export const acceptanceSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().max(120, "Use at most 120 characters for your name.").optional(),
  password: z.string().min(1, "Enter a password.").max(256),
});

/**
 * Accepts an invitation. A newcomer chooses their password here; someone who already has an
 * account proves it with their current password. Both are answered alike (the same checks in
 * the same order, the same messages), so the link does not tell whether the account exists,
 * and the password attempt is counted and throttled exactly like a sign-in (per account and
 * per address, before the check; failures audited): accepting is no way around a locked
 * account. The invitation is consumed by a conditional UPDATE, so a link can be used once
 * even when two requests race.
 */
export async function acceptInvitation(
  db: Db,
  input: z.infer<typeof acceptanceSchema>,
  request: RequestMeta,
): Promise<{ userId: string; email: string; orgId: string }> {
  const tokenHash = hashInvitationToken(input.token);
  const invitation = await db.invitation.findUnique({ where: { tokenHash } });
  assertUsable(invitation);
  // The policy applies to both: an existing account's password met it when it was chosen.
  const password = passwordSchema.safeParse(input.password);
  if (!password.success)
    throw new ValidationError(password.error.issues[0]?.message ?? "Choose a longer password.", "password");
  const account = await db.user.findUnique({ where: { email: invitation.email } });

  let newPasswordHash = null as string | null;
  const check = async (): Promise<boolean> => {
    if (account !== null) return verifyPassword(account.passwordHash, input.password);
    newPasswordHash = await hashPassword(input.password); // as slow as a verification
    return true;
  };
  const ok = await attemptPassword(db, {
    email: invitation.email,
    userId: account?.id ?? null,
    request,
    during: "invitation",
    check,
  });
  if (!ok) throw new InvalidCredentialsError();
  const name = input.name === undefined || input.name === "" ? invitation.email : input.name;

  return db.$transaction(async (tx) => {
    const consumed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (consumed.count !== 1) throw new InvitationUnusableError("used");
    const user =
      account ??
      (await tx.user.create({ data: { email: invitation.email, name, passwordHash: newPasswordHash ?? "" } }));
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedById: user.id } });
    const existing = await tx.membership.findUnique({
      where: { userId_orgId: { userId: user.id, orgId: invitation.orgId } },
    });
    const roles = normaliseRoles([...(existing?.roles ?? []), ...invitation.roles]);
    const membership = existing
      ? await tx.membership.update({ where: { id: existing.id }, data: { roles } })
      : await tx.membership.create({ data: { userId: user.id, orgId: invitation.orgId, roles } });
    await appendAudit(tx, {
      orgId: invitation.orgId,
      actorId: user.id,
      action: "invitation.accepted",
      subjectType: "membership",
      subjectId: membership.id,
      data: { invitationId: invitation.id, email: user.email, roles, newAccount: account === null },
      request,
    });
    return { userId: user.id, email: user.email, orgId: invitation.orgId };
  });
}

type StoredInvitation = { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date };

function assertUsable<T extends StoredInvitation>(invitation: T | null): asserts invitation is T {
  if (invitation === null) throw new InvitationUnusableError("unknown");
  if (invitation.acceptedAt !== null) throw new InvitationUnusableError("used");
  if (invitation.revokedAt !== null) throw new InvitationUnusableError("revoked");
  if (invitation.expiresAt.getTime() <= Date.now()) throw new InvitationUnusableError("expired");
}
