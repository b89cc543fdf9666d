import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { ForbiddenError, ValidationError } from "@/lib/access/access-errors";
import { InvalidCredentialsError } from "@/lib/auth/auth-errors";
import { changePassword } from "@/lib/auth/change-password";
import { changeMemberRoles, removeMember } from "@/lib/auth/members";
import { authorize } from "@/lib/access/org-context";
import { hashPassword } from "@/lib/auth/password";
import { Role } from "@/lib/access/roles";
import { endSession, isSessionLive, startSession } from "@/lib/auth/sessions";
import { completeSetup, setupInputSchema } from "@/lib/auth/setup";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { signOutEverywhere, signOutSession } from "@/lib/auth/sign-out";

const request = { ip: "203.0.113.9", userAgent: "vitest" };
const PASSWORD = "correct horse battery staple";
const LIFETIME = 12 * 3600;
let t: TestDatabase;
let owner: { userId: string; orgId: string };

beforeAll(async () => {
  t = await createTestDatabase();
  owner = await completeSetup(
    t.db,
    setupInputSchema.parse({ organisationName: "Acme", name: "Owner", email: "owner@example.com", password: PASSWORD }),
    request,
  );
});
afterAll(async () => t?.drop());

async function member(email: string, roles: Role[]): Promise<{ userId: string; membershipId: string }> {
  const user = await t.db.user.create({ data: { email, name: email, passwordHash: await hashPassword(PASSWORD) } });
  const membership = await t.db.membership.create({ data: { userId: user.id, orgId: owner.orgId, roles } });
  return { userId: user.id, membershipId: membership.id };
}

const live = (sessionId: string, userId: string) => isSessionLive(t.db, sessionId, userId, LIFETIME);

describe("server-side sessions", () => {
  it("signing out ends this session only, and is audited", async () => {
    const first = await startSession(t.db, owner.userId, LIFETIME);
    const second = await startSession(t.db, owner.userId, LIFETIME);
    expect(await live(first, owner.userId)).toBe(true);
    await signOutSession(t.db, owner.userId, first, request);
    expect(await live(first, owner.userId)).toBe(false);
    expect(await live(second, owner.userId)).toBe(true);
    expect(await t.db.auditEntry.count({ where: { chainId: chainIdFor(owner.orgId), action: "auth.sign_out" } })).toBe(
      1,
    );
  });

  it("a session is not live for another user, once older than the lifetime, or when unknown", async () => {
    const other = await member("other@example.com", [Role.AUDITOR]);
    const sessionId = await startSession(t.db, owner.userId, LIFETIME);
    expect(await live(sessionId, other.userId)).toBe(false);
    expect(await live("00000000-0000-4000-8000-000000000000", owner.userId)).toBe(false);
    await t.db.userSession.update({
      where: { id: sessionId },
      data: { createdAt: new Date(Date.now() - (LIFETIME + 60) * 1000) },
    });
    expect(await live(sessionId, owner.userId)).toBe(false);
    // Starting a session forgets the user's records past the lifetime.
    await startSession(t.db, owner.userId, LIFETIME);
    expect(await t.db.userSession.findUnique({ where: { id: sessionId } })).toBeNull();
  });

  it("sign out everywhere ends every session of the account, and is audited with the count", async () => {
    const { userId } = await member("everywhere@example.com", [Role.SIGNER]);
    const sessions = [
      await startSession(t.db, userId, LIFETIME),
      await startSession(t.db, userId, LIFETIME),
      await startSession(t.db, userId, LIFETIME),
    ];
    const ownerSession = await startSession(t.db, owner.userId, LIFETIME);
    expect(await signOutEverywhere(t.db, userId, request)).toEqual({ sessionsEnded: 3 });
    for (const s of sessions) expect(await live(s, userId)).toBe(false);
    expect(await live(ownerSession, owner.userId)).toBe(true);
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(owner.orgId), action: "auth.signed_out_everywhere" },
    });
    expect(entry).toMatchObject({
      actorId: userId,
      subjectId: userId,
      data: expect.objectContaining({ sessionsEnded: 3 }),
    });
  });

  it("a password change asks for the current password, ends the other sessions, keeps this one, and is audited", async () => {
    const { userId } = await member("changer@example.com", [Role.SIGNER]);
    const mine = await startSession(t.db, userId, LIFETIME);
    const stolen = await startSession(t.db, userId, LIFETIME);
    await expect(
      changePassword(
        t.db,
        userId,
        mine,
        { password: "not the password", newPassword: "a brand new password" },
        request,
      ),
    ).rejects.toMatchObject({ field: "password" });
    expect(await live(stolen, userId)).toBe(true);
    await expect(
      changePassword(t.db, userId, mine, { password: PASSWORD, newPassword: PASSWORD }, request),
    ).rejects.toBeInstanceOf(ValidationError);

    await expect(
      changePassword(t.db, userId, mine, { password: PASSWORD, newPassword: "a brand new password" }, request),
    ).resolves.toEqual({ otherSessionsEnded: 1 });
    expect(await live(mine, userId)).toBe(true);
    expect(await live(stolen, userId)).toBe(false);
    await expect(signInWithPassword(t.db, "changer@example.com", PASSWORD, request)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await expect(
      signInWithPassword(t.db, "changer@example.com", "a brand new password", request),
    ).resolves.toMatchObject({ id: userId });
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(owner.orgId), action: "auth.password_changed" },
    });
    expect(entry).toMatchObject({ actorId: userId, data: expect.objectContaining({ otherSessionsEnded: 1 }) });
    expect(JSON.stringify(entry.data)).not.toContain("brand new");
  });

  it("an ended session stays ended", async () => {
    const sessionId = await startSession(t.db, owner.userId, LIFETIME);
    expect(await endSession(t.db, owner.userId, sessionId)).toBe(true);
    expect(await endSession(t.db, owner.userId, sessionId)).toBe(false);
    expect(await live(sessionId, owner.userId)).toBe(false);
  });
});

describe("roles and memberships are read on every request", () => {
  it("a role change and a removal take effect on the next authorisation, with the session untouched", async () => {
    const { userId, membershipId } = await member("demoted@example.com", [Role.SIGNER, Role.AUDITOR]);
    const sessionId = await startSession(t.db, userId, LIFETIME);
    const ownerCtx = await authorize(t.db, owner.userId, owner.orgId, "members.change_roles");
    await expect(authorize(t.db, userId, owner.orgId, "audit.view")).resolves.toMatchObject({
      roles: [Role.SIGNER, Role.AUDITOR],
    });

    await changeMemberRoles(t.db, ownerCtx, membershipId, [Role.SIGNER], request);
    await expect(authorize(t.db, userId, owner.orgId, "audit.view")).rejects.toBeInstanceOf(ForbiddenError);

    await removeMember(t.db, ownerCtx, membershipId, request);
    await expect(authorize(t.db, userId, owner.orgId, "organisation.view")).rejects.toBeInstanceOf(ForbiddenError);
    // The person is still signed in (they may belong elsewhere), but nothing of this organisation opens.
    expect(await live(sessionId, userId)).toBe(true);
  });
});
