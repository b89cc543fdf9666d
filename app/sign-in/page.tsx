import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { isSetupOpen } from "@/lib/auth/setup";
import { SignInForm } from "@/app/sign-in/sign-in-form";
import { PasskeySignInButton } from "@/app/sign-in/passkey-sign-in-button";
import { currentUser } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  "signed-out": "You are signed out.",
  joined: "Welcome aboard. Sign in with your email and the password you just chose.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  if (await isSetupOpen(await getDb())) redirect("/setup");
  if ((await currentUser()) !== null) redirect("/dashboard");
  const { notice } = await searchParams;
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Signet</p>
        <h1>Sign in</h1>
        <SignInForm notice={notice === undefined ? undefined : NOTICES[notice]} />
        <p className="hint" style={{ textAlign: "center", margin: "1rem 0 0.6rem" }}>
          or, without your email and password
        </p>
        <PasskeySignInButton />
      </div>
    </main>
  );
}
