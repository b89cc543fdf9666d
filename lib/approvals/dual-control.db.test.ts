import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { verifyChain } from "@/lib/audit/verify-chain";
import { ForbiddenError } from "@/lib/access/access-errors";
import { createInvitation } from "@/lib/auth/invitations";
import { changeMemberRoles, removeMember } from "@/lib/auth/members";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { ApprovalError } from "@/lib/approvals/approval-errors";
import { approveRequest, cancelRequest, rejectRequest } from "@/lib/approvals/decide-request";
import { expireRequests, listApprovalRequests } from "@/lib/approvals/list-requests";
import { APPROVAL_TTL_MS, submitGovernedAction } from "@/lib/approvals/submit-action";

const request = { ip: "198.51.100.9", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));

let t: TestDatabase;
let orgId: string;
let olivia: OrgContext; // OWNER
let adam: OrgContext; // ADMIN
let ada: OrgContext; // ADMIN
let sam: OrgContext; // SIGNER
let outsider: OrgContext; // OWNER of another organisation
let keyId: string;

async function member(org: string, name: string, roles: Role[]): Promise<OrgContext> {
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase().replace(/\W+/g, ".")}@example.test`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId: org, roles } });
  return authorize(t.db, user.id, org, "organisation.view");
}

const enrol = async () =>
  (
    await enrolTestCertificate(t.db, {
      orgId,
      keyId,
      createdById: olivia.userId,
      state: "INACTIVE",
      subject: `/CN=Dual ${randomBytes(3).toString("hex")}`,
    })
  ).id;
const stateOf = async (id: string) => (await t.db.signingCertificate.findUniqueOrThrow({ where: { id } })).state;
const lastEntry = async (action: string) =>
  t.db.auditEntry.findFirst({ where: { orgId, action }, orderBy: { seq: "desc" } });

async function setPolicy(n: number, by: OrgContext = olivia) {
  return submitGovernedAction(t.db, by, { kind: "org.approvals_required", approvalsRequired: n }, request);
}

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = (await t.db.organization.create({ data: { name: "Alpha Structural" } })).id;
  olivia = await member(orgId, "Olivia Owner", [Role.OWNER]);
  adam = await member(orgId, "Adam Admin", [Role.ADMIN]);
  sam = await member(orgId, "Sam Signer", [Role.SIGNER]);
  const beta = await t.db.organization.create({ data: { name: "Beta Surveys" } });
  outsider = await member(beta.id, "Otto Outsider", [Role.OWNER]);
  ({ keyId } = await createPlatformKey(t.db, olivia, { label: "Seal", algorithm: "EC-P256" }, master, request));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

describe("the approvals policy", () => {
  it("cannot ask for more administrators than the organisation has; raising it is immediate and audited", async () => {
    await expect(setPolicy(3)).rejects.toThrow("this organisation has 2");
    expect(await setPolicy(2)).toEqual({ status: "done" });
    expect((await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).approvalsRequired).toBe(2);
    expect((await lastEntry("org.policy_changed"))?.data).toMatchObject({ approvalsRequired: { before: 1, after: 2 } });
    await expect(setPolicy(2, sam)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("with two approvals required", () => {
  it("activation becomes a request; the requester cannot approve it; another admin's approval carries it out", async () => {
    const certificateId = await enrol();
    const outcome = await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId }, request);
    expect(outcome).toMatchObject({ status: "pending", approvalsNeeded: 1 });
    if (outcome.status !== "pending") throw new Error("expected a request");
    expect(await stateOf(certificateId)).toBe("INACTIVE");
    expect((await lastEntry("approval.requested"))?.data).toMatchObject({
      kind: "certificate.activate",
      approvalsNeeded: 1,
    });

    await expect(approveRequest(t.db, adam, outcome.requestId, undefined, request)).rejects.toMatchObject({
      code: "approval.own_request",
    });
    await expect(approveRequest(t.db, sam, outcome.requestId, undefined, request)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(approveRequest(t.db, outsider, outcome.requestId, undefined, request)).rejects.toMatchObject({
      code: "approval.not_found",
    });
    expect(await stateOf(certificateId)).toBe("INACTIVE");

    expect(await approveRequest(t.db, olivia, outcome.requestId, "Checked the CA's email", request)).toEqual({
      status: "executed",
    });
    expect(await stateOf(certificateId)).toBe("ACTIVE");
    const activated = await lastEntry("certificate.activated");
    expect(activated).toMatchObject({ actorId: adam.userId, subjectId: certificateId });
    expect(activated?.data).toMatchObject({ approvalRequestId: outcome.requestId, approvedBy: [olivia.userId] });
    expect(await lastEntry("approval.approved")).toMatchObject({ actorId: olivia.userId });
    await expect(approveRequest(t.db, olivia, outcome.requestId, undefined, request)).rejects.toThrow(
      "already carried out",
    );
  });

  it("a duplicate request for the same item is refused while one waits; the requester can cancel, others cannot", async () => {
    const certificateId = await enrol();
    const first = await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId }, request);
    if (first.status !== "pending") throw new Error("expected a request");
    await expect(
      submitGovernedAction(t.db, olivia, { kind: "certificate.activate", certificateId }, request),
    ).rejects.toBeInstanceOf(ApprovalError);
    await expect(cancelRequest(t.db, olivia, first.requestId, request)).rejects.toThrow(
      "Only the member who made a request",
    );
    expect(await cancelRequest(t.db, adam, first.requestId, request)).toEqual({ status: "cancelled" });
    expect(await lastEntry("approval.cancelled")).toMatchObject({ actorId: adam.userId, subjectId: first.requestId });
    expect(await stateOf(certificateId)).toBe("INACTIVE");
  });

  it("a rejection closes the request and nothing happens", async () => {
    const certificateId = await enrol();
    await submitGovernedAction(t.db, olivia, { kind: "certificate.activate", certificateId }, request);
    const revoke = await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.revoke", certificateId, reasonCode: 1 },
      request,
    );
    if (revoke.status !== "pending") throw new Error("expected a request");
    expect(await rejectRequest(t.db, olivia, revoke.requestId, "Not compromised", request)).toEqual({
      status: "rejected",
    });
    expect(await lastEntry("approval.rejected")).toMatchObject({ actorId: olivia.userId });
    await expect(approveRequest(t.db, olivia, revoke.requestId, undefined, request)).rejects.toThrow("rejected");
    expect(await stateOf(certificateId)).toBe("INACTIVE");
  });

  it("an expired request closes, audited, and is not carried out", async () => {
    const certificateId = await enrol();
    const later = () => new Date(Date.now() + APPROVAL_TTL_MS + 60_000);
    const outcome = await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId }, request);
    if (outcome.status !== "pending") throw new Error("expected a request");
    expect(await approveRequest(t.db, olivia, outcome.requestId, undefined, request, later())).toEqual({
      status: "expired",
    });
    expect((await t.db.approvalRequest.findUniqueOrThrow({ where: { id: outcome.requestId } })).status).toBe("EXPIRED");
    expect(await lastEntry("approval.expired")).toMatchObject({ subjectId: outcome.requestId });
    expect(await stateOf(certificateId)).toBe("INACTIVE");

    const another = await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.activate", certificateId: await enrol() },
      request,
    );
    if (another.status !== "pending") throw new Error("expected a request");
    expect(await expireRequests(t.db, orgId)).toBe(0);
    expect(await expireRequests(t.db, orgId, later())).toBe(2); // this one and the activation left waiting by the rejection test
    const listed = await listApprovalRequests(t.db, olivia);
    expect(listed.open.map((r) => r.id)).not.toContain(another.requestId);
    expect(listed.closed.find((r) => r.id === another.requestId)?.status).toBe("EXPIRED");
  });

  it("when the state changed meanwhile, the approval closes the request as failed, saying why", async () => {
    const first = await enrol();
    const second = await enrol();
    await t.db.signingCertificate.update({ where: { id: first }, data: { state: "ACTIVE", activatedAt: new Date() } });
    const rotation = await submitGovernedAction(
      t.db,
      adam,
      { kind: "certificate.rotate", certificateId: first, successorId: second, reason: "Renewal" },
      request,
    );
    if (rotation.status !== "pending") throw new Error("expected a request");
    await t.db.signingCertificate.update({ where: { id: second }, data: { state: "REVOKED" } });
    const outcome = await approveRequest(t.db, olivia, rotation.requestId, undefined, request);
    expect(outcome).toMatchObject({ status: "failed", failure: expect.stringContaining("revoked") });
    expect(await stateOf(first)).toBe("ACTIVE");
    expect((await lastEntry("approval.failed"))?.data).toMatchObject({ kind: "certificate.rotate" });
  });

  it("granting ADMIN needs approval, other role changes do not; an ADMIN invitation is refused", async () => {
    const membership = await t.db.membership.findUniqueOrThrow({
      where: { userId_orgId: { userId: sam.userId, orgId } },
    });
    expect(
      await submitGovernedAction(
        t.db,
        adam,
        { kind: "member.roles", membershipId: membership.id, roles: [Role.SIGNER, Role.AUDITOR] },
        request,
      ),
    ).toEqual({ status: "done" });
    const grant = await submitGovernedAction(
      t.db,
      adam,
      { kind: "member.roles", membershipId: membership.id, roles: [Role.SIGNER, Role.ADMIN] },
      request,
    );
    expect(grant.status).toBe("pending");
    if (grant.status !== "pending") return;
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: membership.id } })).roles).toEqual([
      Role.SIGNER,
      Role.AUDITOR,
    ]);
    await expect(
      createInvitation(t.db, adam, { email: "new.admin@example.test", roles: [Role.ADMIN] }, 24, request),
    ).rejects.toThrow("Dual control is on");
    expect(await approveRequest(t.db, olivia, grant.requestId, undefined, request)).toEqual({ status: "executed" });
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: membership.id } })).roles).toEqual([
      Role.ADMIN,
      Role.SIGNER,
    ]);
    expect((await lastEntry("member.roles_changed"))?.data).toMatchObject({
      approvalRequestId: grant.requestId,
      approvedBy: [olivia.userId],
    });
    // Back to a signer for the rest of the file (withdrawing ADMIN needs no approval).
    await changeMemberRoles(t.db, olivia, membership.id, [Role.SIGNER], request);
  });

  it("a removal or a withdrawal of administration may not leave fewer administrators than approvals required", async () => {
    const adamMembership = await t.db.membership.findUniqueOrThrow({
      where: { userId_orgId: { userId: adam.userId, orgId } },
    });
    await expect(changeMemberRoles(t.db, olivia, adamMembership.id, [Role.SIGNER], request)).rejects.toThrow(
      "would leave 1",
    );
    await expect(removeMember(t.db, olivia, adamMembership.id, request)).rejects.toThrow("would leave 1");
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: adamMembership.id } })).roles).toEqual([Role.ADMIN]);
    // A third administrator makes room for the removal of one.
    const extra = await member(orgId, "Eve Extra", [Role.ADMIN]);
    const extraMembership = await t.db.membership.findUniqueOrThrow({
      where: { userId_orgId: { userId: extra.userId, orgId } },
    });
    await removeMember(t.db, olivia, extraMembership.id, request);
    expect(await t.db.membership.findUnique({ where: { id: extraMembership.id } })).toBeNull();
    expect((await lastEntry("member.removed"))?.subjectId).toBe(extraMembership.id);
  });

  it("with three required, two other admins must approve, and concurrent approvals carry the action out once", async () => {
    ada = await member(orgId, "Ada Admin", [Role.ADMIN]);
    expect(await setPolicy(3)).toEqual({ status: "done" });
    const certificateId = await enrol();
    const outcome = await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId }, request);
    expect(outcome).toMatchObject({ status: "pending", approvalsNeeded: 2 });
    if (outcome.status !== "pending") return;
    const results = await Promise.allSettled([
      approveRequest(t.db, olivia, outcome.requestId, undefined, request),
      approveRequest(t.db, ada, outcome.requestId, undefined, request),
    ]);
    const statuses = results
      .map((r) => (r.status === "fulfilled" ? r.value.status : `error: ${String(r.reason)}`))
      .sort();
    expect(statuses).toEqual(["executed", "pending"]);
    expect(await stateOf(certificateId)).toBe("ACTIVE");
    expect(
      await t.db.auditEntry.count({ where: { orgId, action: "certificate.activated", subjectId: certificateId } }),
    ).toBe(1);
  });

  it("lowering the policy is itself a request; the chain stays intact", async () => {
    const lower = await setPolicy(1, adam);
    expect(lower.status).toBe("pending");
    if (lower.status !== "pending") return;
    await approveRequest(t.db, olivia, lower.requestId, undefined, request);
    expect((await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).approvalsRequired).toBe(3);
    expect(await approveRequest(t.db, ada, lower.requestId, undefined, request)).toEqual({ status: "executed" });
    expect((await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).approvalsRequired).toBe(1);
    const certificateId = await enrol();
    expect(await submitGovernedAction(t.db, adam, { kind: "certificate.activate", certificateId }, request)).toEqual({
      status: "done",
    });
    expect((await verifyChain(t.db, `org:${orgId}`)).valid).toBe(true);
  });
});
