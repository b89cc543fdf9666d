import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { SetupClosedError } from "@/lib/auth/auth-errors";
import { emailSchema } from "@/lib/auth/email";
import { organisationNameSchema } from "@/lib/auth/organisations";
import { hashPassword, passwordSchema } from "@/lib/auth/password";
import { Role } from "@/lib/access/roles";

export const setupInputSchema = z.object({
  organisationName: organisationNameSchema,
  name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters for your name."),
  email: emailSchema,
  password: passwordSchema,
});
export type SetupInput = z.infer<typeof setupInputSchema>;

export async function isSetupOpen(db: Db): Promise<boolean> {
  return (await db.installation.count()) === 0;
}

/**
 * Creates the first organisation and its owner. The Installation row (a fixed primary key)
 * is claimed first inside the transaction, so of two concurrent set-ups exactly one succeeds
 * and the other creates nothing.
 */
export async function completeSetup(
  db: Db,
  input: SetupInput,
  request: RequestMeta,
): Promise<{ userId: string; orgId: string }> {
  if (!(await isSetupOpen(db))) throw new SetupClosedError();
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { name: input.organisationName } });
    const claimed =
      await tx.$executeRaw`INSERT INTO "Installation" (id, "completedAt", "ownerId", "orgId") VALUES (1, now(), '', ${org.id}) ON CONFLICT (id) DO NOTHING`;
    if (claimed !== 1 || (await tx.user.count()) > 0) throw new SetupClosedError();
    const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
    await tx.installation.update({ where: { id: 1 }, data: { ownerId: user.id } });
    await tx.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.OWNER, Role.SIGNER] } });
    await appendAudit(tx, {
      orgId: org.id,
      actorId: user.id,
      action: "org.setup",
      subjectType: "organisation",
      subjectId: org.id,
      data: { organisationName: org.name, ownerEmail: user.email, roles: [Role.OWNER, Role.SIGNER] },
      request,
    });
    return { userId: user.id, orgId: org.id };
  });
}
