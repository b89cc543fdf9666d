import type { Tx, Db } from "@/lib/db/client";
import { SignetError } from "@/lib/engine/errors";
import { rolesAllow } from "@/lib/access/permissions";
import type { Role } from "@/lib/access/roles";

/** A change that would leave dual control unable to gather its approvals. */
export class DualControlError extends SignetError {
  declare readonly code: "approval.policy";
  readonly field: string;
  constructor(message: string, field: string) {
    super("approval.policy", message, { status: 409 });
    this.field = field;
  }
}

/** Members who may approve certificate lifecycle actions. */
export async function countAdministrators(db: Db | Tx, orgId: string): Promise<number> {
  const memberships = await db.membership.findMany({ where: { orgId }, select: { roles: true } });
  return memberships.filter((m) => rolesAllow(m.roles, "certificates.manage")).length;
}

/** The organisation's setting now, with the organisation row locked so policy changes queue. */
export async function lockApprovalsRequired(tx: Tx, orgId: string): Promise<number> {
  const rows = await tx.$queryRaw<
    { approvalsRequired: number }[]
  >`SELECT "approvalsRequired" FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
  return Number(rows[0]?.approvalsRequired ?? 1);
}

/**
 * Under dual control, a removal or a withdrawal of administration must leave at least as many
 * administrators as approvals are required; otherwise no governed action (lowering the policy
 * included) could ever gather its approvals. Call with the organisation's memberships locked.
 */
export async function assertAdministratorsRemain(
  tx: Tx,
  orgId: string,
  membershipId: string,
  rolesAfter: readonly Role[],
): Promise<void> {
  const required = await lockApprovalsRequired(tx, orgId);
  if (required < 2) return;
  const memberships = await tx.membership.findMany({ where: { orgId }, select: { id: true, roles: true } });
  const after = memberships.filter((m) =>
    rolesAllow(m.id === membershipId ? rolesAfter : m.roles, "certificates.manage"),
  ).length;
  if (after < required) {
    throw new DualControlError(
      `Dual control needs ${required} administrators and this change would leave ${after}. Lower "approvals required" first, or make another member an administrator.`,
      "roles",
    );
  }
}
