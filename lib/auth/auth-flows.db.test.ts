import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { verifyChain } from "@/lib/audit/verify-chain";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/access/access-errors";
import {
  InvalidCredentialsError,
  InvitationUnusableError,
  SetupClosedError,
  SignInThrottledError,
} from "@/lib/auth/auth-errors";
import { acceptInvitation, createInvitation, describeInvitation, revokeInvitation } from "@/lib/auth/invitations";
import { changeMemberRoles, removeMember } from "@/lib/auth/members";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { ALL_ACTIONS } from "@/lib/access/permissions";
import { Role } from "@/lib/access/roles";
import { createOrganisation } from "@/lib/auth/organisations";
import { completeSetup, isSetupOpen, setupInputSchema } from "@/lib/auth/setup";
import { signInWithPassword } from "@/lib/auth/sign-in";

const request = { ip: "203.0.113.7", userAgent: "vitest" };
const OWNER_PASSWORD = "correct horse battery staple";
let t: TestDatabase;
let owner: { userId: string; orgId: string };

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const ownerCtx = (): Promise<OrgContext> => authorize(t.db, owner.userId, owner.orgId, "members.invite");

describe("first-run setup", () => {
  it("rejects malformed input with a message per field", () => {
    const result = setupInputSchema.safeParse({
      organisationName: "A",
      name: "",
      email: "not-an-email",
      password: "short",
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message).join(" | ");
    expect(messages).toMatch(/organisation's name/);
    expect(messages).toMatch(/valid email/);
    expect(messages).toMatch(/at least 12 characters/);
  });

  it("of two concurrent set-ups exactly one succeeds and nothing of the other remains", async () => {
    const input = (n: number) =>
      setupInputSchema.parse({
        organisationName: `Org ${n}`,
        name: `Owner ${n}`,
        email: `owner${n}@example.com`,
        password: OWNER_PASSWORD,
      });
    const results = await Promise.allSettled([
      completeSetup(t.db, input(1), request),
      completeSetup(t.db, input(2), request),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(SetupClosedError);
    owner = (fulfilled[0] as PromiseFulfilledResult<{ userId: string; orgId: string }>).value;
    expect(await t.db.user.count()).toBe(1);
    expect(await t.db.organization.count()).toBe(1);
    expect(await isSetupOpen(t.db)).toBe(false);
    const membership = await t.db.membership.findFirstOrThrow({ where: { userId: owner.userId } });
    expect(membership.roles).toContain(Role.OWNER);
    const user = await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("a later setup is refused", async () => {
    await expect(
      completeSetup(
        t.db,
        setupInputSchema.parse({
          organisationName: "Late",
          name: "L",
          email: "late@example.com",
          password: OWNER_PASSWORD,
        }),
        request,
      ),
    ).rejects.toBeInstanceOf(SetupClosedError);
  });

  it("audited the setup in the organisation's chain", async () => {
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(owner.orgId), action: "org.setup" },
    });
    expect(entry.actorId).toBe(owner.userId);
  });
});

describe("sign-in", () => {
  it("accepts the right password, case-insensitively for the email, and audits it", async () => {
    const email = (await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } })).email;
    const user = await signInWithPassword(t.db, `  ${email.toUpperCase()} `, OWNER_PASSWORD, request);
    expect(user.id).toBe(owner.userId);
    expect(
      await t.db.auditEntry.count({ where: { chainId: chainIdFor(owner.orgId), action: "auth.sign_in" } }),
    ).toBeGreaterThan(0);
  });

  it("refuses a wrong password and an unknown email with the same message, audits both", async () => {
    const email = (await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } })).email;
    const wrong = await signInWithPassword(t.db, email, "wrong password!!", { ip: "198.51.100.1" }).catch(
      (e: unknown) => e,
    );
    const unknown = await signInWithPassword(t.db, "nobody@example.com", "whatever password", {
      ip: "198.51.100.1",
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(InvalidCredentialsError);
    expect(unknown).toBeInstanceOf(InvalidCredentialsError);
    expect((wrong as Error).message).toBe((unknown as Error).message);
    expect(
      await t.db.auditEntry.count({ where: { chainId: chainIdFor(owner.orgId), action: "auth.sign_in_failed" } }),
    ).toBe(1);
    expect(await t.db.auditEntry.count({ where: { chainId: PLATFORM_CHAIN, action: "auth.sign_in_failed" } })).toBe(1);
  });

  it("throttles an account after five failures, even with the right password, from any address", async () => {
    const email = "victim@example.com";
    await t.db.user.create({
      data: {
        email,
        name: "Victim",
        passwordHash: (await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } })).passwordHash,
      },
    });
    const errors = [];
    for (let i = 0; i < 5; i++)
      errors.push(
        await signInWithPassword(t.db, email, "not the password", { ip: `192.0.2.${i}` }).catch((e: unknown) => e),
      );
    expect(errors.slice(0, 4).every((e) => e instanceof InvalidCredentialsError)).toBe(true);
    expect(errors[4]).toBeInstanceOf(SignInThrottledError);
    const locked = await signInWithPassword(t.db, email, OWNER_PASSWORD, { ip: "192.0.2.99" }).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(SignInThrottledError);
    expect((locked as Error).message).toMatch(/Try again in 15 minutes/);
    // The lock lives in the database: once it lapses (simulated), the right password works again.
    await t.db.$executeRawUnsafe(
      `UPDATE "SignInThrottle" SET "lockedUntil" = "lockedUntil" - interval '1 hour' WHERE key = $1`,
      `account:${email}`,
    );
    await expect(signInWithPassword(t.db, email, OWNER_PASSWORD, { ip: "192.0.2.99" })).resolves.toMatchObject({
      email,
    });
  });

  it("throttles a client address that sprays many accounts", async () => {
    const ip = "203.0.113.250";
    let last: unknown;
    for (let i = 0; i < 30; i++)
      last = await signInWithPassword(t.db, `spray${i}@example.com`, "guess guess guess", { ip }).catch(
        (e: unknown) => e,
      );
    expect(last).toBeInstanceOf(SignInThrottledError);
    const next = await signInWithPassword(t.db, "spray-new@example.com", "guess guess guess", { ip }).catch(
      (e: unknown) => e,
    );
    expect(next).toBeInstanceOf(SignInThrottledError);
    const elsewhere = await signInWithPassword(t.db, "spray-new@example.com", "guess guess guess", {
      ip: "203.0.113.251",
    }).catch((e: unknown) => e);
    expect(elsewhere).toBeInstanceOf(InvalidCredentialsError);
  });
});

describe("invitations", () => {
  it("single-use: accepting sets the password, a second use is refused", async () => {
    const ctx = await ownerCtx();
    const { token } = await createInvitation(
      t.db,
      ctx,
      { email: "signer@example.com", roles: [Role.SIGNER] },
      72,
      request,
    );
    const stored = await t.db.invitation.findFirstOrThrow({ where: { email: "signer@example.com" } });
    expect(stored.tokenHash).not.toContain(token);
    expect(await describeInvitation(t.db, token)).toEqual({
      organisationName: expect.any(String),
      email: "signer@example.com",
      roles: [Role.SIGNER],
    });
    await expect(
      acceptInvitation(t.db, { token, name: "Sam Signer", password: "short" }, request),
    ).rejects.toBeInstanceOf(ValidationError);
    const accepted = await acceptInvitation(
      t.db,
      { token, name: "Sam Signer", password: "a long enough password" },
      request,
    );
    expect(accepted.orgId).toBe(owner.orgId);
    await expect(
      signInWithPassword(t.db, "signer@example.com", "a long enough password", request),
    ).resolves.toMatchObject({ name: "Sam Signer" });
    await expect(
      acceptInvitation(t.db, { token, name: "Again", password: "a long enough password" }, request),
    ).rejects.toMatchObject({ code: "invitation.used" });
    expect(
      await t.db.auditEntry.count({
        where: { chainId: chainIdFor(owner.orgId), action: { in: ["invitation.created", "invitation.accepted"] } },
      }),
    ).toBe(2);
  });

  it("two concurrent acceptances of one link create one account", async () => {
    const { token } = await createInvitation(
      t.db,
      await ownerCtx(),
      { email: "race@example.com", roles: [Role.AUDITOR] },
      72,
      request,
    );
    const results = await Promise.allSettled(
      [0, 1].map(() => acceptInvitation(t.db, { token, name: "Race", password: "a long enough password" }, request)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.user.count({ where: { email: "race@example.com" } })).toBe(1);
  });

  it("expired, revoked and unknown links are refused with their own messages", async () => {
    const ctx = await ownerCtx();
    const expired = await createInvitation(t.db, ctx, { email: "late@example.com", roles: [Role.SIGNER] }, 72, request);
    await t.db.invitation.update({
      where: { id: expired.invitationId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(describeInvitation(t.db, expired.token)).rejects.toMatchObject({ code: "invitation.expired" });
    await expect(
      acceptInvitation(t.db, { token: expired.token, name: "Late", password: "a long enough password" }, request),
    ).rejects.toMatchObject({ code: "invitation.expired" });
    const revoked = await createInvitation(t.db, ctx, { email: "gone@example.com", roles: [Role.SIGNER] }, 72, request);
    await revokeInvitation(t.db, ctx, revoked.invitationId, request);
    await expect(describeInvitation(t.db, revoked.token)).rejects.toMatchObject({ code: "invitation.revoked" });
    await expect(describeInvitation(t.db, "no-such-token-at-all")).rejects.toBeInstanceOf(InvitationUnusableError);
    expect(await t.db.user.count({ where: { email: { in: ["late@example.com", "gone@example.com"] } } })).toBe(0);
  });

  it("an administrator cannot invite an owner; a member cannot be invited twice", async () => {
    const admin = await t.db.user.create({ data: { email: "admin@example.com", name: "Admin", passwordHash: "x" } });
    await t.db.membership.create({ data: { userId: admin.id, orgId: owner.orgId, roles: [Role.ADMIN] } });
    const adminCtx = await authorize(t.db, admin.id, owner.orgId, "members.invite");
    await expect(
      createInvitation(t.db, adminCtx, { email: "boss@example.com", roles: [Role.OWNER] }, 72, request),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createInvitation(t.db, adminCtx, { email: "signer@example.com", roles: [Role.SIGNER] }, 72, request),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("an existing account joins a second organisation with its current password", async () => {
    const other = await t.db.organization.create({ data: { name: "Second Org" } });
    await t.db.membership.create({ data: { userId: owner.userId, orgId: other.id, roles: [Role.OWNER] } });
    const ctx = await authorize(t.db, owner.userId, other.id, "members.invite");
    const { token } = await createInvitation(
      t.db,
      ctx,
      { email: "signer@example.com", roles: [Role.AUDITOR] },
      72,
      request,
    );
    await expect(acceptInvitation(t.db, { token, password: "not my password" }, request)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await acceptInvitation(t.db, { token, password: "a long enough password" }, request);
    const signer = await t.db.user.findUniqueOrThrow({
      where: { email: "signer@example.com" },
      include: { memberships: true },
    });
    expect(signer.memberships.map((m) => m.orgId).sort()).toEqual([owner.orgId, other.id].sort());
  });
});

describe("members and organisation boundaries", () => {
  it("roles change with an audit entry; the last owner cannot be demoted or removed", async () => {
    const ctx = await ownerCtx();
    const signer = await t.db.membership.findFirstOrThrow({
      where: { orgId: owner.orgId, user: { email: "signer@example.com" } },
    });
    await changeMemberRoles(t.db, ctx, signer.id, [Role.SIGNER, Role.AUDITOR], request);
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(owner.orgId), action: "member.roles_changed" },
    });
    expect(entry.data).toMatchObject({ before: [Role.SIGNER], after: [Role.SIGNER, Role.AUDITOR] });
    // The last owner cannot be demoted: only an owner changes an owner's roles, and no one their own.
    await expect(changeMemberRoles(t.db, ctx, ctx.membershipId, [Role.ADMIN], request)).rejects.toThrow(
      /your own roles/,
    );
    await expect(removeMember(t.db, ctx, ctx.membershipId, request)).rejects.toThrow(/at least one owner/);
    await expect(changeMemberRoles(t.db, ctx, signer.id, [], request)).rejects.toBeInstanceOf(ValidationError);
  });

  it("a member of A can neither read nor act on B's ids", async () => {
    const orgB = await t.db.organization.create({ data: { name: "Org B" } });
    const bUser = await t.db.user.create({ data: { email: "b@example.com", name: "B", passwordHash: "x" } });
    const bMembership = await t.db.membership.create({
      data: { userId: bUser.id, orgId: orgB.id, roles: [Role.OWNER, Role.SIGNER] },
    });
    const bInvitation = await t.db.invitation.create({
      data: {
        orgId: orgB.id,
        email: "x@example.com",
        roles: [Role.SIGNER],
        tokenHash: "b-token",
        invitedById: bUser.id,
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });

    // Every action in B is refused to A's owner and to A's signer.
    const aSigner = await t.db.user.findUniqueOrThrow({ where: { email: "signer@example.com" } });
    for (const userId of [owner.userId, aSigner.id]) {
      for (const action of ALL_ACTIONS)
        await expect(authorize(t.db, userId, orgB.id, action)).rejects.toBeInstanceOf(ForbiddenError);
    }
    const ctxA = await ownerCtx();
    // A's owner using B's ids through A's context: nothing is found, nothing changes.
    await expect(changeMemberRoles(t.db, ctxA, bMembership.id, [Role.AUDITOR], request)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(removeMember(t.db, ctxA, bMembership.id, request)).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeInvitation(t.db, ctxA, bInvitation.id, request)).rejects.toBeInstanceOf(NotFoundError);
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: bMembership.id } })).roles).toEqual([
      Role.OWNER,
      Role.SIGNER,
    ]);
    expect((await t.db.invitation.findUniqueOrThrow({ where: { id: bInvitation.id } })).revokedAt).toBeNull();
  });

  it("anyone signed in can found another organisation and becomes its owner there only", async () => {
    const signer = await t.db.user.findUniqueOrThrow({ where: { email: "signer@example.com" } });
    const { orgId } = await createOrganisation(t.db, signer.id, "  Sam's Practice ", request);
    const ctx = await authorize(t.db, signer.id, orgId, "members.invite");
    expect(ctx.roles).toEqual([Role.OWNER, Role.SIGNER]);
    expect((await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).name).toBe("Sam's Practice");
    await expect(authorize(t.db, signer.id, owner.orgId, "members.invite")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createOrganisation(t.db, signer.id, "x", request)).rejects.toThrow(/at least 2 characters/);
    expect(await t.db.auditEntry.count({ where: { chainId: chainIdFor(orgId), action: "org.created" } })).toBe(1);
  });

  it("every chain written by these flows verifies", async () => {
    const chains = (await t.db.auditHead.findMany()).map((h) => h.chainId);
    for (const chainId of chains) expect(await verifyChain(t.db, chainId)).toMatchObject({ valid: true });
  });
});
