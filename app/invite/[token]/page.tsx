import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { describeInvitation, type InvitationView } from "@/lib/auth/invitations";
import { ROLE_LABELS } from "@/lib/access/roles";
import { userMessage } from "@/lib/engine/errors";
import { AcceptInvitationForm } from "@/app/invite/[token]/accept-invitation-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Join an organisation", referrer: "no-referrer" };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let invitation: InvitationView;
  try {
    invitation = await describeInvitation(await getDb(), token);
  } catch (error) {
    return (
      <main className="centered">
        <div className="card">
          <p className="brand">Signet</p>
          <h1>Invitation not usable</h1>
          <p className="alert error" role="alert">
            {userMessage(error)}
          </p>
        </div>
      </main>
    );
  }
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Signet</p>
        <h1>Join {invitation.organisationName}</h1>
        <p className="lede">
          You are invited as {invitation.email} with the role{invitation.roles.length > 1 ? "s" : ""}{" "}
          {invitation.roles.map((r) => ROLE_LABELS[r]).join(", ")}.
        </p>
        <AcceptInvitationForm token={token} />
      </div>
    </main>
  );
}
