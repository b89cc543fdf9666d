import { Role } from "@/lib/db/generated/enums";

export { Role };
export const ALL_ROLES: readonly Role[] = [Role.OWNER, Role.ADMIN, Role.SIGNER, Role.AUDITOR];

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: "Owner",
  ADMIN: "Administrator",
  SIGNER: "Signer",
  AUDITOR: "Auditor",
};

export function normaliseRoles(roles: readonly Role[]): Role[] {
  return ALL_ROLES.filter((role) => roles.includes(role));
}
