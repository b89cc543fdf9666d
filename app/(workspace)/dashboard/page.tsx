import type { Metadata } from "next";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { CreateOrganisationForm } from "@/components/create-organisation-form";
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
      <section className="panel" aria-labelledby="new-org">
        <h2 id="new-org">Another organisation</h2>
        <p>You can belong to several organisations and switch between them at the top of the page. Found a new one here; you become its owner.</p>
        <CreateOrganisationForm />
      </section>
    </>
  );
}
