import { Role } from "@/lib/access/roles";

/**
 * Every permission in Signet, decided from roles alone. Separation of duties is deliberate:
 * administration never implies sealing, signers never manage certificates, and auditors read
 * the audit trail and nothing else.
 */
export const PERMISSIONS = {
  "organisation.view": [Role.OWNER, Role.ADMIN, Role.SIGNER, Role.AUDITOR],
  "members.view": [Role.OWNER, Role.ADMIN],
  "members.invite": [Role.OWNER, Role.ADMIN],
  "members.change_roles": [Role.OWNER, Role.ADMIN],
  "members.remove": [Role.OWNER, Role.ADMIN],
  "audit.view": [Role.OWNER, Role.ADMIN, Role.AUDITOR],
  "audit.export": [Role.OWNER, Role.ADMIN, Role.AUDITOR],
  "settings.manage": [Role.OWNER, Role.ADMIN],
  "certificates.view": [Role.OWNER, Role.ADMIN, Role.SIGNER],
  "certificates.manage": [Role.OWNER, Role.ADMIN],
  "documents.view": [Role.OWNER, Role.ADMIN, Role.SIGNER],
  "documents.seal": [Role.SIGNER],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;
export const ALL_ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function rolesAllow(roles: readonly Role[], action: Action): boolean {
  const allowed: readonly Role[] = PERMISSIONS[action];
  return roles.some((role) => allowed.includes(role));
}

/**
 * Who may hand out which roles: only an owner grants or withdraws OWNER, and only an owner
 * changes another owner's roles; administrators manage ADMIN, SIGNER and AUDITOR.
 */
export function mayChangeRoles(actorRoles: readonly Role[], before: readonly Role[], after: readonly Role[]): boolean {
  if (!rolesAllow(actorRoles, "members.change_roles")) return false;
  if (actorRoles.includes(Role.OWNER)) return true;
  return !before.includes(Role.OWNER) && !after.includes(Role.OWNER);
}
