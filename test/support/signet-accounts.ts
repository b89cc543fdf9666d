import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/access/roles";

/** People and organisations for database tests, written directly (no setup flow, no audit). */
export const TEST_PASSWORD = "a-long-enough-test-password";

let passwordHash: Promise<string> | undefined;

export async function createOrganisation(
  db: Db,
  name = `Org ${randomUUID().slice(0, 8)}`,
  options: { allowTotpStepUp?: boolean } = {},
): Promise<{ orgId: string }> {
  const org = await db.organization.create({ data: { name, allowTotpStepUp: options.allowTotpStepUp ?? true } });
  return { orgId: org.id };
}

export async function createPerson(
  db: Db,
  memberships: { orgId: string; roles: Role[] }[] = [],
  name = "Test Person",
): Promise<{ userId: string; email: string }> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = `${randomUUID().slice(0, 8)}@example.test`;
  const user = await db.user.create({ data: { email, name, passwordHash: await passwordHash } });
  for (const m of memberships)
    await db.membership.create({ data: { userId: user.id, orgId: m.orgId, roles: m.roles } });
  return { userId: user.id, email };
}
