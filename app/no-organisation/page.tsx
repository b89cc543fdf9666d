import { SignOutButton } from "@/app/_components/sign-out-button";
import { requireUser } from "@/app/_server/session";

export const dynamic = "force-dynamic";

export default async function NoOrganisationPage() {
  const user = await requireUser();
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Signet</p>
        <h1>No organisation</h1>
        <p>{user.email} is not a member of any organisation. Ask an administrator for an invitation.</p>
        <SignOutButton />
      </div>
    </main>
  );
}
