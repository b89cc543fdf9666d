import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { listPasskeys } from "@/lib/auth/passkeys/manage-passkeys";
import { totpStatus } from "@/lib/auth/totp/totp-factor";
import { PasskeyList, type PasskeyRow } from "@/app/(workspace)/account/passkey-list";
import { PasskeyRegisterForm } from "@/app/(workspace)/account/passkey-register-form";
import { TotpEnrolment } from "@/app/(workspace)/account/totp-enrolment";
import { TotpSettings } from "@/app/(workspace)/account/totp-settings";
import { organisationsOf, requireUser } from "@/app/_server/session";
import { signOutEverywhereAction } from "@/app/_server/workspace-actions";
import { ChangePasswordForm } from "@/app/(workspace)/account/password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account" };

/** Times in UTC, so server and browser render the same text. */
function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export default async function AccountPage() {
  const user = await requireUser();
  const db = await getDb();
  const [passkeys, totp, { active }] = await Promise.all([
    listPasskeys(db, user.id),
    totpStatus(db, user.id),
    organisationsOf(user.id),
  ]);
  const org =
    active === null
      ? null
      : await db.organization.findUnique({ where: { id: active.id }, select: { name: true, allowTotpStepUp: true } });
  const rows: PasskeyRow[] = passkeys.map((p) => ({
    id: p.id,
    name: p.name,
    created: when(p.createdAt),
    lastUsed: p.lastUsedAt === null ? null : when(p.lastUsedAt),
    kind:
      p.deviceType === "multiDevice" ? (p.backedUp ? "Synced passkey" : "Syncable passkey") : "Device-bound passkey",
  }));
  return (
    <>
      <h1>Account</h1>
      <p className="lede">
        {user.name} · {user.email}
      </p>
      <section className="panel" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <p className="hint">Changing it signs you out everywhere else.</p>
        <ChangePasswordForm />
      </section>
      <section className="panel" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p className="hint">
          Signs you out on every computer and phone, this one included. Use it if you lost a device or signed in
          somewhere shared.
        </p>
        <form action={signOutEverywhereAction}>
          <button type="submit" className="secondary">
            Sign out everywhere
          </button>
        </form>
      </section>
      <section className="panel" aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">Passkeys</h2>
        <p className="hint">
          A passkey signs you in without a password and confirms each seal with your fingerprint, face or device PIN.
        </p>
        <PasskeyList passkeys={rows} />
        <h3>Add a passkey</h3>
        <PasskeyRegisterForm />
      </section>
      <section className="panel" aria-labelledby="totp-heading">
        <h2 id="totp-heading">Authenticator app</h2>
        <p className="hint">
          For people without a passkey: a 6-digit code from an app on your phone confirms seals
          {org === null
            ? ""
            : org?.allowTotpStepUp
              ? ` (allowed in ${org.name})`
              : ` (not allowed in ${org?.name}: it asks for a passkey)`}
          .
        </p>
        {totp.enabled && totp.confirmedAt !== null ? (
          <TotpSettings since={when(totp.confirmedAt)} recoveryCodesLeft={totp.recoveryCodesLeft} />
        ) : (
          <TotpEnrolment />
        )}
      </section>
    </>
  );
}
