import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { listKeys, organisationPolicy } from "@/lib/custody/list-keys";
import { rolesAllow } from "@/lib/access/permissions";
import {
  GeneratePlatformKeyForm,
  RegisterKmsKeyForm,
  RegisterPkcs11KeyForm,
  TestingPolicyForm,
} from "@/app/(workspace)/certificates/key-forms";
import { allowedPkcs11Modules } from "@/lib/custody/pkcs11-modules";
import { ImportPkcs12Form } from "@/app/_components/enrolment-forms";
import { KeyCard } from "@/app/(workspace)/certificates/key-card";
import { CertificateTable } from "@/components/certificate-table";
import { certificateOverview } from "@/lib/lifecycle/certificate-overview";
import { requirePagePermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Keys and certificates" };

export default async function CertificatesPage() {
  const { ctx, active } = await requirePagePermission("certificates.view");
  const db = await getDb();
  const [keys, policy, overview] = await Promise.all([
    listKeys(db, ctx),
    organisationPolicy(db, ctx),
    certificateOverview(db, ctx),
  ]);
  const manage = rolesAllow(ctx.roles, "certificates.manage");
  const settings = rolesAllow(ctx.roles, "settings.manage");
  return (
    <>
      <h1>Keys and certificates</h1>
      {policy.allowSelfSignedCertificates && (
        <p className="alert error" role="note">
          Testing policy is on: self-signed certificates may be enrolled. Seals made with them are marked as testing
          seals.
        </p>
      )}
      {overview.length > 0 && (
        <section className="panel" aria-labelledby="overview-heading">
          <h2 id="overview-heading">Certificates</h2>
          <p className="hint">
            Open a certificate to see its timeline, rotate or revoke it, choose who may seal with it, or destroy its
            key.
          </p>
          <CertificateTable rows={overview} />
        </section>
      )}
      {keys.length === 0 ? (
        <p className="panel">
          No signing keys yet.{manage ? " Generate a platform-managed key or register your own AWS KMS key below." : ""}
        </p>
      ) : (
        keys.map((key) => <KeyCard key={key.id} signingKey={key} manage={manage} organisation={active.name} />)
      )}
      {manage && (
        <div className="two-columns">
          <section className="panel" aria-labelledby="generate-heading">
            <h2 id="generate-heading">Generate a platform-managed key</h2>
            <p className="hint">
              Generated here and stored encrypted (AES-256-GCM) under your organisation&apos;s data key, which the
              master key protects. It is decrypted only for the moment of each signature.
            </p>
            <GeneratePlatformKeyForm />
          </section>
          <section className="panel" aria-labelledby="kms-heading">
            <h2 id="kms-heading">Bring your own AWS KMS key</h2>
            <p className="hint">
              Signet stores only the key reference and its public key. Every seal is a KMS Sign call; remove
              Signet&apos;s grant to revoke its access.
            </p>
            <RegisterKmsKeyForm />
          </section>
          <section className="panel" aria-labelledby="hsm-heading">
            <h2 id="hsm-heading">Bring your own HSM key (PKCS#11)</h2>
            {allowedPkcs11Modules().length === 0 ? (
              <p className="hint">
                No PKCS#11 library is configured on this server. The operator lists the allowed libraries in
                SIGNET_PKCS11_MODULES.
              </p>
            ) : (
              <RegisterPkcs11KeyForm modules={allowedPkcs11Modules()} />
            )}
          </section>
          <section className="panel" aria-labelledby="p12-heading">
            <h2 id="p12-heading">Import a PKCS#12 file</h2>
            <p className="hint">
              A .p12/.pfx holding a key and its certificate (modern AES or legacy 3DES/RC2). The private key is
              encrypted before it is stored; the file itself is not kept.
            </p>
            <ImportPkcs12Form />
          </section>
        </div>
      )}
      {settings && (
        <section className="panel" aria-labelledby="policy-heading">
          <h2 id="policy-heading">Certificate policy</h2>
          <TestingPolicyForm allowSelfSigned={policy.allowSelfSignedCertificates} />
        </section>
      )}
    </>
  );
}
