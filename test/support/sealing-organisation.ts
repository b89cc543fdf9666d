import type { RequestMeta } from "@/lib/audit/append-audit";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";

type PlatformAlgorithm = NonNullable<Parameters<typeof createPlatformKey>[2]["algorithm"]>;

export type SealingOrganisation = {
  /** The owner, who is also a signer. */
  owner: OrgContext;
  /** For each algorithm asked for: its platform key and active certificate, and the test root that issued it. */
  keys: Record<string, { keyId: string; certificateId: string; rootPem: string }>;
};

/**
 * An organisation ready to seal: an owner who is also a signer, and a platform key with an
 * active certificate from the test CA for each algorithm (the sealing tests and the throughput
 * benchmark start here).
 */
export async function createSealingOrganisation(
  db: Db,
  master: MasterKey,
  options: {
    name: string;
    owner: { email: string; name: string };
    algorithms: PlatformAlgorithm[];
    request: RequestMeta;
    /** The key's label (default: the algorithm). */
    label?: string;
  },
): Promise<SealingOrganisation> {
  const org = await db.organization.create({ data: { name: options.name } });
  const user = await db.user.create({ data: { ...options.owner, passwordHash: "x" } });
  await db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.OWNER, Role.SIGNER] } });
  const owner = await authorize(db, user.id, org.id, "organisation.view");
  const keys: SealingOrganisation["keys"] = {};
  for (const algorithm of options.algorithms) {
    const { keyId } = await createPlatformKey(
      db,
      owner,
      { label: options.label ?? algorithm, algorithm },
      master,
      options.request,
    );
    const enrolled = await enrolTestCertificate(db, {
      orgId: org.id,
      keyId,
      createdById: user.id,
      subject: `/C=BE/O=${options.name}/CN=${options.owner.name}`,
    });
    keys[algorithm] = { keyId, certificateId: enrolled.id, rootPem: enrolled.pki.root.certPem };
  }
  return { owner, keys };
}
