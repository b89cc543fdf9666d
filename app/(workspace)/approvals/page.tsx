import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { rolesAllow } from "@/lib/access/permissions";
import { countAdministrators } from "@/lib/access/dual-control";
import { listApprovalRequests, type ApprovalRequestView } from "@/lib/approvals/list-requests";
import { ApprovalsPolicyForm, DecideRequestForm } from "@/app/(workspace)/approvals/approval-forms";
import { requirePagePermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Approvals" };

const utc = (date: Date) => `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
const STATUS_LABELS: Record<string, string> = {
  EXECUTED: "Carried out",
  REJECTED: "Rejected",
  EXPIRED: "Expired",
  CANCELLED: "Cancelled",
  FAILED: "Failed",
  PENDING: "Waiting",
};

function describe(request: ApprovalRequestView): string {
  const a = request.action;
  switch (a.kind) {
    case "certificate.rotate":
      return `${request.label} — reason: ${a.reason}`;
    case "certificate.revoke":
      return `${request.label} — RFC 5280 reason code ${a.reasonCode}${a.effectiveAt === undefined ? "" : `, effective ${a.effectiveAt}`}${a.comment === undefined ? "" : ` — ${a.comment}`}`;
    case "key.destroy":
      return `${request.label} — reason: ${a.reason}`;
    case "member.roles":
      return `${request.label} — roles after: ${a.roles.join(", ")}`;
    case "org.approvals_required":
      return `${request.label} to ${a.approvalsRequired}`;
    default:
      return request.label;
  }
}

export default async function ApprovalsPage() {
  const { ctx } = await requirePagePermission("certificates.manage");
  const db = await getDb();
  const [{ open, closed }, org, administrators] = await Promise.all([
    listApprovalRequests(db, ctx),
    db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { approvalsRequired: true } }),
    countAdministrators(db, ctx.orgId),
  ]);
  return (
    <>
      <h1>Approvals</h1>
      <p className={org.approvalsRequired >= 2 ? "alert ok" : "hint"} data-testid="dual-control-status">
        {org.approvalsRequired >= 2
          ? `Dual control is on: ${org.approvalsRequired} administrators in total approve each lifecycle action and ADMIN grant.`
          : "Dual control is off: administrators act alone (every action is still audited)."}
      </p>
      <section className="panel" aria-labelledby="open-heading">
        <h2 id="open-heading">Waiting for approval</h2>
        {open.length === 0 ? (
          <p className="hint">Nothing is waiting.</p>
        ) : (
          <ul className="plain-list" aria-label="Open requests">
            {open.map((r) => (
              <li key={r.id} aria-label={r.label}>
                <p>
                  <strong>{describe(r)}</strong>
                  <br />
                  <span className="hint">
                    {`asked by ${r.requestedBy.name} on ${utc(r.createdAt)}; expires ${utc(r.expiresAt)}; approvals ${r.decisions.filter((d) => d.approve).length} of ${r.approvalsNeeded}`}
                    {r.subjectType === "certificate" && (
                      <>
                        {" · "}
                        <a href={`/certificates/${r.subjectId}`}>the certificate</a>
                      </>
                    )}
                  </span>
                </p>
                {rolesAllow(ctx.roles, "certificates.manage") && (
                  <DecideRequestForm requestId={r.id} own={r.requestedBy.id === ctx.userId} summary={r.label} />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="closed-heading">
        <h2 id="closed-heading">Recently closed</h2>
        {closed.length === 0 ? (
          <p className="hint">None yet.</p>
        ) : (
          <table className="stack-on-phone" aria-label="Closed requests">
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Asked by</th>
                <th scope="col">Outcome</th>
                <th scope="col">Decisions</th>
              </tr>
            </thead>
            <tbody>
              {closed.map((r) => (
                <tr key={r.id}>
                  <td>{describe(r)}</td>
                  <td data-label="Asked by">
                    {r.requestedBy.name}
                    <br />
                    <span className="hint">{utc(r.createdAt)}</span>
                  </td>
                  <td data-label="Outcome">
                    {STATUS_LABELS[r.status] ?? r.status}
                    {r.failure !== null && <span className="hint"> — {r.failure}</span>}
                  </td>
                  <td data-label="Decisions">
                    {r.decisions
                      .map(
                        (d) =>
                          `${d.name}: ${d.approve ? "approved" : "rejected"}${d.comment === null ? "" : ` (“${d.comment}”)`}`,
                      )
                      .join("; ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {rolesAllow(ctx.roles, "settings.manage") && (
        <section className="panel" aria-labelledby="policy-heading">
          <h2 id="policy-heading">Dual control</h2>
          <ApprovalsPolicyForm current={org.approvalsRequired} administrators={administrators} />
        </section>
      )}
    </>
  );
}
