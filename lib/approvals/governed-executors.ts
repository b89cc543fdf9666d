import type { JsonValue } from "@/lib/audit/canonical-json";
import { checkRoleChange, changeMemberRolesInTx, grantsGovernedRole } from "@/lib/auth/members";
import type { Action } from "@/lib/access/permissions";
import type { Role } from "@/lib/access/roles";
import type { Tx } from "@/lib/db/client";
import { activateCertificateInTx, checkActivation } from "@/lib/lifecycle/activate-certificate";
import { checkKeyDestruction, destroyKeyInTx } from "@/lib/lifecycle/destroy-key";
import type { LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { checkRevocation, revokeCertificateInTx } from "@/lib/lifecycle/revoke-certificate";
import { checkRotation, rotateCertificateInTx } from "@/lib/lifecycle/rotate-certificate";
import type { GovernedAction } from "@/lib/approvals/governed-action";
import { applyApprovalsRequired, checkApprovalsRequired } from "@/lib/approvals/approvals-policy";
import { readableName } from "@/lib/engine/pki";

/** Who acts: the requester (with their roles now), and the approvals when there were any. */
export type GovernedActor = LifecycleActor & { roles: readonly Role[] };

/** What an action is about, for the request's record and its audit entries. */
export type ActionFacts = {
  subjectType: string;
  subjectId: string;
  summary: string;
  facts: { [key: string]: JsonValue };
};

/** The permission an action needs, from the requester and from every approver. */
export function permissionFor(action: GovernedAction): Action {
  return action.kind === "member.roles"
    ? "members.change_roles"
    : action.kind === "org.approvals_required"
      ? "settings.manage"
      : "certificates.manage";
}

/**
 * Whether an action needs approval at all under dual control: role changes only when they
 * hand out administration or the signer role; the policy only when it is lowered (raising it is always safe).
 */
export async function needsApproval(
  tx: Tx,
  orgId: string,
  action: GovernedAction,
  currentlyRequired: number,
): Promise<boolean> {
  if (currentlyRequired < 2) return false;
  if (action.kind === "org.approvals_required") return action.approvalsRequired < currentlyRequired;
  if (action.kind === "member.roles") {
    const target = await tx.membership.findFirst({
      where: { id: action.membershipId, orgId },
      select: { roles: true },
    });
    return target !== null && grantsGovernedRole(target.roles, action.roles);
  }
  return true;
}

/** Checks the action can be done now, changing nothing; throws a SignetError saying why not. */
export async function checkAction(
  tx: Tx,
  actor: GovernedActor,
  action: GovernedAction,
  now: Date,
): Promise<ActionFacts> {
  switch (action.kind) {
    case "certificate.activate": {
      const c = await checkActivation(tx, actor.orgId, action, now);
      return {
        subjectType: "certificate",
        subjectId: c.id,
        summary: `Activate "${readableName(c.subject)}"`,
        facts: { sha256: c.sha256, subject: c.subject },
      };
    }
    case "certificate.rotate": {
      const { predecessor, successor } = await checkRotation(tx, actor.orgId, action, now);
      return {
        subjectType: "certificate",
        subjectId: predecessor.id,
        summary: `Rotate "${readableName(predecessor.subject)}" to "${readableName(successor.subject)}"`,
        facts: {
          oldSha256: predecessor.sha256,
          newSha256: successor.sha256,
          successorId: successor.id,
          reason: action.reason,
        },
      };
    }
    case "certificate.revoke": {
      const { certificate, effectiveAt } = await checkRevocation(tx, actor.orgId, action, now);
      return {
        subjectType: "certificate",
        subjectId: certificate.id,
        summary: `Revoke "${readableName(certificate.subject)}"`,
        facts: { sha256: certificate.sha256, reasonCode: action.reasonCode, effectiveAt: effectiveAt.toISOString() },
      };
    }
    case "key.destroy": {
      const key = await checkKeyDestruction(tx, actor.orgId, action);
      return {
        subjectType: "key",
        subjectId: key.id,
        summary: `Destroy the key "${key.label}"`,
        facts: { publicKeySha256: key.publicKeySha256, backend: key.backend, reason: action.reason },
      };
    }
    case "member.roles": {
      const { target, roles } = await checkRoleChange(tx, actor, action.membershipId, action.roles);
      const user = await tx.user.findUniqueOrThrow({ where: { id: target.userId }, select: { email: true } });
      return {
        subjectType: "membership",
        subjectId: target.id,
        summary: `Give ${user.email} the roles ${roles.join(", ")}`,
        facts: { userId: target.userId, before: target.roles, after: roles },
      };
    }
    case "org.approvals_required": {
      const before = await checkApprovalsRequired(tx, actor.orgId, action.approvalsRequired);
      return {
        subjectType: "organisation",
        subjectId: actor.orgId,
        summary: `Set approvals required to ${action.approvalsRequired}`,
        facts: { before, after: action.approvalsRequired },
      };
    }
  }
}

/** Does the action and writes its audit entry, in the caller's transaction. */
export async function applyAction(tx: Tx, actor: GovernedActor, action: GovernedAction, now: Date): Promise<void> {
  switch (action.kind) {
    case "certificate.activate":
      return activateCertificateInTx(tx, actor, action, now);
    case "certificate.rotate":
      return rotateCertificateInTx(tx, actor, action, now);
    case "certificate.revoke":
      return revokeCertificateInTx(tx, actor, action, now);
    case "key.destroy":
      return destroyKeyInTx(tx, actor, action, now);
    case "member.roles":
      await changeMemberRolesInTx(tx, actor, action.membershipId, action.roles);
      return;
    case "org.approvals_required":
      return applyApprovalsRequired(tx, actor, action.approvalsRequired);
  }
}
