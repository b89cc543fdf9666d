import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { Role } from "@/lib/access/roles";

export const organisationNameSchema = z
  .string()
  .trim()
  .min(2, "Enter the organisation's name (at least 2 characters).")
  .max(120, "Use at most 120 characters for the organisation's name.");

/** Any signed-in person may found another organisation; they become its owner (and may seal in it). */
export async function createOrganisation(
  db: Db,
  userId: string,
  name: string,
  request: RequestMeta,
): Promise<{ orgId: string }> {
  const organisationName = organisationNameSchema.parse(name);
  return db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { name: organisationName } });
    const roles = [Role.OWNER, Role.SIGNER];
    await tx.membership.create({ data: { userId, orgId: org.id, roles } });
    await appendAudit(tx, {
      orgId: org.id,
      actorId: userId,
      action: "org.created",
      subjectType: "organisation",
      subjectId: org.id,
      data: { organisationName, roles },
      request,
    });
    return { orgId: org.id };
  });
}
