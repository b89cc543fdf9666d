import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { listPendingInvitations } from "@/lib/auth/invitations";
import { listMembers } from "@/lib/auth/members";
import { rolesAllow } from "@/lib/access/permissions";
import { ROLE_LABELS } from "@/lib/access/roles";
import {
  InviteMemberForm,
  MemberRolesForm,
  RemoveMemberForm,
  RevokeInvitationForm,
} from "@/app/(workspace)/members/member-forms";
import { requirePagePermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const { ctx, user } = await requirePagePermission("members.view");
  const db = await getDb();
  const members = await listMembers(db, ctx);
  const manage = rolesAllow(ctx.roles, "members.change_roles");
  const invite = rolesAllow(ctx.roles, "members.invite");
  const isOwner = ctx.roles.includes("OWNER");
  const invitations = invite ? await listPendingInvitations(db, ctx) : [];
  const [{ approvalsRequired }, pendingGrants] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { approvalsRequired: true } }),
    db.approvalRequest.count({
      where: { orgId: ctx.orgId, action: "member.roles", status: "PENDING", expiresAt: { gt: new Date() } },
    }),
  ]);
  return (
    <>
      <h1>Members</h1>
      {approvalsRequired >= 2 && (
        <p className="alert ok" role="note">
          {`Dual control is on: granting the administrator or owner role needs ${approvalsRequired} administrators in total. `}
          {pendingGrants > 0 && (
            <a href="/approvals">{`${pendingGrants} role change${pendingGrants === 1 ? " is" : "s are"} waiting for approval.`}</a>
          )}
        </p>
      )}
      {invite && (
        <section className="panel" aria-labelledby="invite-heading">
          <h2 id="invite-heading">Invite a member</h2>
          <InviteMemberForm allowOwner={isOwner} />
        </section>
      )}
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">People</h2>
        <table className="stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Member since</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.membershipId}>
                <td>
                  {m.name}
                  {m.userId === user.id && " (you)"}
                </td>
                <td data-label="Email">{m.email}</td>
                <td>
                  {manage && m.userId !== user.id ? (
                    <>
                      <MemberRolesForm
                        membershipId={m.membershipId}
                        name={m.name}
                        roles={m.roles}
                        allowOwner={isOwner}
                      />
                      <RemoveMemberForm membershipId={m.membershipId} name={m.name} />
                    </>
                  ) : (
                    m.roles.map((r) => (
                      <span key={r} className="badge">
                        {ROLE_LABELS[r]}
                      </span>
                    ))
                  )}
                </td>
                <td data-label="Member since">{m.since.toISOString().slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {invite && invitations.length > 0 && (
        <section className="panel" aria-labelledby="pending-heading">
          <h2 id="pending-heading">Pending invitations</h2>
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">Expires (UTC)</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((inv) => (
                <tr key={inv.id}>
                  <td>{inv.email}</td>
                  <td data-label="Roles">{inv.roles.map((r) => ROLE_LABELS[r]).join(", ")}</td>
                  <td data-label="Expires (UTC)">{inv.expiresAt.toISOString().replace("T", " ").slice(0, 16)}</td>
                  <td>
                    <RevokeInvitationForm invitationId={inv.id} email={inv.email} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
