import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { requireOrgPermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const { ctx } = await requireOrgPermission("audit.view");
  const db = await getDb();
  const chainId = chainIdFor(ctx.orgId);
  const [verification, entries] = await Promise.all([
    verifyChain(db, chainId),
    db.auditEntry.findMany({ where: { chainId }, orderBy: { seq: "desc" }, take: 200 }),
  ]);
  const actorIds = [...new Set(entries.map((e) => e.actorId).filter((id): id is string => id !== null))];
  const actors = new Map((await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  return (
    <>
      <h1>Audit log</h1>
      <p className={verification.valid ? "alert ok" : "alert error"} role="status" data-testid="chain-status">
        {verification.valid
          ? `Chain verified: ${verification.entries} entries, head ${verification.headHash.slice(0, 16)}…`
          : `Chain broken at entry ${verification.firstBreak?.seq}: ${verification.firstBreak?.reason}.`}
      </p>
      <section className="panel" aria-labelledby="entries-heading">
        <h2 id="entries-heading">Latest entries</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{e.seq}</td>
                <td>{e.at.toISOString().replace("T", " ").slice(0, 19)}</td>
                <td className="mono">{e.action}</td>
                <td>{e.actorId === null ? "—" : (actors.get(e.actorId) ?? e.actorId)}</td>
                <td className="mono">{JSON.stringify(e.data)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
