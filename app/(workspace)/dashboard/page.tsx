import type { Metadata } from "next";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requireOrgPermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const { user, ctx, active } = await requireOrgPermission("organisation.view");
  return (
    <>
      <h1>{active.name}</h1>
      <section className="panel" aria-labelledby="you">
        <h2 id="you">You</h2>
        <p>
          Signed in as <strong>{user.name}</strong> ({user.email}).
        </p>
        <p>
          Your roles here:{" "}
          {ctx.roles.map((role) => (
            <span key={role} className="badge">
              {ROLE_LABELS[role]}
            </span>
          ))}
        </p>
      </section>
      <section className="panel" aria-labelledby="next">
        <h2 id="next">Sealing</h2>
        <p>Certificates, sealing and verification arrive with the next releases of Signet.</p>
      </section>
    </>
  );
}
