import type { Metadata } from "next";
import { ROLE_LABELS } from "@/lib/access/roles";
import { CreateOrganisationForm } from "@/app/(workspace)/dashboard/create-organisation-form";
import { getDb } from "@/lib/db/client";
import { lifecycleAttention } from "@/lib/lifecycle/attention";
import { requirePagePermission } from "@/app/_server/session";
import { CertificateName } from "@/components/certificate-name";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const { user, ctx, active } = await requirePagePermission("organisation.view");
  const attention = await lifecycleAttention(await getDb(), ctx);
  return (
    <>
      <h1>{active.name}</h1>
      {(attention.waitingForYou > 0 || attention.expiring.length > 0) && (
        <section className="panel" aria-labelledby="attention-heading">
          <h2 id="attention-heading">Needs your attention</h2>
          <ul>
            {attention.waitingForYou > 0 && (
              <li>
                <a href="/approvals">{`${attention.waitingForYou} request${attention.waitingForYou === 1 ? " waits" : "s wait"} for your approval`}</a>
              </li>
            )}
            {attention.expiring.map((c) => (
              <li key={c.id}>
                <a href={`/certificates/${c.id}`}>
                  <CertificateName dn={c.subject} />
                </a>
                {` ${c.daysLeft === 0 ? "expires today" : `expires in ${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"}`} (${c.notAfter.toISOString().slice(0, 10)}): enrol its successor and rotate.`}
              </li>
            ))}
          </ul>
        </section>
      )}
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
        <p>
          You can belong to several organisations and switch between them at the top of the page. Found a new one here;
          you become its owner.
        </p>
        <CreateOrganisationForm />
      </section>
    </>
  );
}
