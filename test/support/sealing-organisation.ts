import type { RequestMeta } from "@/lib/audit/append-audit";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import type { DocumentStore } from "@/lib/documents/document-store";
import { uploadDocument } from "@/lib/documents/upload-document";
import { prepareSeal } from "@/lib/sealing/prepare-seal";
import { requestSeal } from "@/lib/sealing/seal-documents";
import { enrolTestCertificate } from "@/test/support/certificate-enrolment";
import type { FakeStepUp } from "@/test/support/fake-step-up";

type SealPlacement = { page: number; rect: { x: number; y: number; width: number; height: number } };
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

/**
 * Uploads `files` through the upload service and queues them for sealing as the seal action does
 * (prepareSeal with the step-up's challenge, then requestSeal); returns the batch and its documents.
 */
export async function queueSealBatch(
  db: Db,
  store: DocumentStore,
  owner: OrgContext,
  options: {
    certificateId: string;
    files: { fileName: string; bytes: Uint8Array }[];
    placement: SealPlacement;
    reason: string;
    stepUp: FakeStepUp;
    master: MasterKey;
    request: RequestMeta;
    maxAttempts: number;
  },
): Promise<{ batchId: string; ids: string[] }> {
  const ids: string[] = [];
  for (const file of options.files) {
    const outcome = await uploadDocument(
      db,
      store,
      owner,
      { fileName: file.fileName, body: [file.bytes] },
      200 * 1024 * 1024,
      options.request,
    );
    if (!outcome.accepted) throw new Error(outcome.message);
    ids.push(outcome.document.id);
  }
  const sealRequest = {
    certificateId: options.certificateId,
    reason: options.reason,
    location: "Ghent",
    documents: ids.map((documentId) => ({ documentId, placement: options.placement })),
  };
  const prepared = await prepareSeal(db, store, owner, sealRequest, options.stepUp, options.request);
  const { batchId } = await requestSeal(
    db,
    owner,
    { challengeId: prepared.challengeId, request: sealRequest, response: { kind: "totp", code: "123456" } },
    { stepUp: options.stepUp, masterKey: options.master, maxAttempts: options.maxAttempts },
    options.request,
  );
  return { batchId, ids };
}
