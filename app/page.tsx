import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { isSetupOpen } from "@/lib/auth/setup";
import { currentUser } from "@/app/_server/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  if (await isSetupOpen(await getDb())) redirect("/setup");
  redirect((await currentUser()) === null ? "/sign-in" : "/dashboard");
}
