import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { approveRequest } from "@/lib/approvals/decide-request";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { ForbiddenError, OwnRolesError } from "@/lib/access/access-errors";
import { createInvitation } from "@/lib/auth/invitations";
import { auditOwnRolesRefused, changeMemberRoles } from "@/lib/auth/members";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";

const request = { ip: "198.51.100.20", userAgent: "vitest" };
let t: TestDatabase;
let orgId: string;
let olivia: OrgContext; // OWNER
let adam: OrgContext; // ADMIN
let ada: OrgContext; // ADMIN
let aud: OrgContext; // AUDITOR

async function member(name: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase()}@example.test`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId, roles } });
  return authorize(t.db, user.id, orgId, "organisation.view");
}
const rolesOf = async (ctx: OrgContext) =>
  (await t.db.membership.findUniqueOrThrow({ where: { id: ctx.membershipId } })).roles;

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = (await t.db.organization.create({ data: { name: "Alpha" } })).id;
  olivia = await member("Olivia", [Role.OWNER]);
  adam = await member("Adam", [Role.ADMIN]);
  ada = await member("Ada", [Role.ADMIN]);
  aud = await member("Aud", [Role.AUDITOR]);
});
afterAll(async () => t?.drop());

describe("no one changes their own roles", () => {
  it("an administrator cannot grant themselves the signer role, directly or through a request", async () => {
    await expect(
      changeMemberRoles(t.db, adam, adam.membershipId, [Role.ADMIN, Role.SIGNER], request),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      submitGovernedAction(
        t.db,
        adam,
        { kind: "member.roles", membershipId: adam.membershipId, roles: [Role.ADMIN, Role.SIGNER] },
        request,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await rolesOf(adam)).toEqual([Role.ADMIN]);
  });

  it("the refused attempt is audited in the organisation's log", async () => {
    const refusal = await submitGovernedAction(
      t.db,
      adam,
      { kind: "member.roles", membershipId: adam.membershipId, roles: [Role.ADMIN, Role.SIGNER] },
      request,
    ).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OwnRolesError);
    await auditOwnRolesRefused(t.db, adam, adam.membershipId, [Role.ADMIN, Role.SIGNER], request);
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { orgId, action: "member.roles_change_refused" } });
    expect(entry).toMatchObject({ actorId: adam.userId, subjectType: "membership", subjectId: adam.membershipId });
    expect(entry.data).toMatchObject({
      reason: "own_roles",
      before: [Role.ADMIN],
      requested: [Role.ADMIN, Role.SIGNER],
    });
  });

  it("nor can an owner change their own roles", async () => {
    await expect(
      changeMemberRoles(t.db, olivia, olivia.membershipId, [Role.OWNER, Role.SIGNER], request),
    ).rejects.toThrow(/your own roles/);
    expect(await rolesOf(olivia)).toEqual([Role.OWNER]);
  });
});

describe("with two approvals required, granting SIGNER goes through dual control", () => {
  it("a signer grant becomes a request, and another administrator's approval carries it out", async () => {
    expect(
      await submitGovernedAction(t.db, olivia, { kind: "org.approvals_required", approvalsRequired: 2 }, request),
    ).toEqual({ status: "done" });
    const grant = await submitGovernedAction(
      t.db,
      adam,
      { kind: "member.roles", membershipId: aud.membershipId, roles: [Role.AUDITOR, Role.SIGNER] },
      request,
    );
    expect(grant.status).toBe("pending");
    expect(await rolesOf(aud)).toEqual([Role.AUDITOR]);
    if (grant.status !== "pending") return;
    expect(await approveRequest(t.db, ada, grant.requestId, undefined, request)).toEqual({ status: "executed" });
    expect(await rolesOf(aud)).toEqual([Role.SIGNER, Role.AUDITOR]);
  });

  it("withdrawing the signer role needs no approval; an invitation as signer is refused", async () => {
    expect(
      await submitGovernedAction(
        t.db,
        adam,
        { kind: "member.roles", membershipId: aud.membershipId, roles: [Role.AUDITOR] },
        request,
      ),
    ).toEqual({ status: "done" });
    await expect(
      createInvitation(t.db, adam, { email: "new.signer@example.test", roles: [Role.SIGNER] }, 24, request),
    ).rejects.toThrow("Dual control is on");
    await expect(
      createInvitation(t.db, adam, { email: "new.auditor@example.test", roles: [Role.AUDITOR] }, 24, request),
    ).resolves.toMatchObject({ token: expect.any(String) });
  });
});
