import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { isSetupOpen } from "@/lib/auth/setup";
import { SetupForm } from "@/app/setup/setup-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up Signet" };

export default async function SetupPage() {
  if (!(await isSetupOpen(await getDb()))) notFound();
  return (
    <main className="centered">
      <div className="card">
        <p className="brand">Signet</p>
        <h1>Set up Signet</h1>
        <p className="lede">Create your organisation and its owner account. This page disappears once it is done.</p>
        <SetupForm />
      </div>
    </main>
  );
}
