import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { Role } from "@/lib/access/roles";
import { appendAudit } from "@/lib/audit/append-audit";
import type { AuditAction } from "@/lib/audit/audit-actions";
import {
  auditFilterChoices,
  auditFilterQuery,
  parseAuditFilter,
  queryAuditPage,
  type AuditFilter,
} from "@/lib/audit/audit-query";

let t: TestDatabase;
let orgId: string;
let otherOrg: string;
let alice: string;
let bob: string;
let certificateId: string;
let otherCertificate: string;

async function certificate(org: string, userId: string): Promise<{ id: string; sha256: string }> {
  const key = await t.db.signingKey.create({
    data: {
      orgId: org,
      label: `k-${randomUUID().slice(0, 6)}`,
      backend: "PLATFORM",
      algorithm: "ECDSA_P256",
      publicKey: Buffer.from([1]),
      publicKeySha256: randomUUID(),
      createdById: userId,
    },
  });
  const sha256 = randomUUID().replace(/-/g, "").padEnd(64, "0");
  const cert = await t.db.signingCertificate.create({
    data: {
      orgId: org,
      keyId: key.id,
      der: Buffer.from([1]),
      chainPem: "",
      sha256,
      subject: "CN=Test Seal,O=Acme",
      issuer: "CN=CA",
      serialHex: "01",
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 1e10),
      selfSigned: false,
      createdById: userId,
    },
  });
  return { id: cert.id, sha256 };
}

async function add(
  action: AuditAction,
  actorId: string | null,
  extra: { subjectType?: string; subjectId?: string; data?: Record<string, string> } = {},
  org = orgId,
) {
  return t.db.$transaction((tx) => appendAudit(tx, { orgId: org, actorId, action, ...extra }));
}

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
  ({ orgId: otherOrg } = await createOrganisation(t.db));
  alice = (await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }], "Alice")).userId;
  bob = (await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }], "Bob")).userId;
  const cert = await certificate(orgId, alice);
  certificateId = cert.id;
  otherCertificate = (await certificate(otherOrg, alice)).id;
  await add("auth.sign_in", alice);
  await add("certificate.uploaded", alice, { subjectType: "certificate", subjectId: certificateId });
  await add("seal.created", bob, { subjectType: "document", subjectId: "doc-1", data: { certificateId } });
  await add("seal.failed", bob, {
    subjectType: "document",
    subjectId: "doc-2",
    data: { certificateSha256: cert.sha256 },
  });
  await add("seal.created", bob, {
    subjectType: "document",
    subjectId: "doc-3",
    data: { certificateId: "someone-else" },
  });
  await add("auth.sign_in", bob);
  await add("seal.created", bob, { subjectType: "document", subjectId: "doc-x", data: { certificateId } }, otherOrg);
});
afterAll(async () => t?.drop());

const query = async (filter: Partial<AuditFilter>, limit = 50) =>
  queryAuditPage(
    t.db,
    orgId,
    parseAuditFilter(
      auditFilterQuery(filter as AuditFilter) === ""
        ? {}
        : new URLSearchParams(auditFilterQuery(filter as AuditFilter)),
    ),
    limit,
  );
const seqsOf = (page: Awaited<ReturnType<typeof query>>) => page.entries.map((e) => e.seq);

describe("audit filters", () => {
  it("filter by action, by actor and both, newest first, within the organisation only", async () => {
    expect((await query({})).entries.map((e) => e.action)).toEqual([
      "auth.sign_in",
      "seal.created",
      "seal.failed",
      "seal.created",
      "certificate.uploaded",
      "auth.sign_in",
    ]);
    expect(seqsOf(await query({ action: "seal.created" }))).toEqual([5, 3]);
    expect(seqsOf(await query({ actor: alice }))).toEqual([2, 1]);
    expect(seqsOf(await query({ actor: bob, action: "auth.sign_in" }))).toEqual([6]);
  });

  it("filter by certificate: its own entries and entries naming it by id or fingerprint; another organisation's certificate matches nothing", async () => {
    expect(seqsOf(await query({ certificate: certificateId }))).toEqual([4, 3, 2]);
    expect(seqsOf(await query({ certificate: otherCertificate }))).toEqual([]);
  });

  it("filter by date (UTC days, inclusive)", async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(seqsOf(await query({ from: today, to: today }))).toHaveLength(6);
    expect(seqsOf(await query({ to: "2000-01-01" }))).toEqual([]);
    expect(seqsOf(await query({ from: "2999-01-01" }))).toEqual([]);
  });

  it("pages by sequence number", async () => {
    const first = await query({}, 4);
    expect(seqsOf(first)).toEqual([6, 5, 4, 3]);
    expect(first.olderThan).toBe(3);
    const second = await query({ before: first.olderThan! }, 4);
    expect(seqsOf(second)).toEqual([2, 1]);
    expect(second.olderThan).toBeNull();
  });

  it("refuse malformed input", () => {
    expect(() => parseAuditFilter({ action: "drop.table" })).toThrow(/action/);
    expect(() => parseAuditFilter({ actor: "' OR 1=1" })).toThrow(/member/);
    expect(() => parseAuditFilter({ from: "yesterday" })).toThrow(/YYYY-MM-DD/);
    expect(() => parseAuditFilter({ before: "-1" })).toThrow();
    expect(parseAuditFilter({ action: "", actor: "" })).toEqual({});
  });

  it("offer the organisation's members and certificates", async () => {
    const choices = await auditFilterChoices(t.db, orgId);
    expect(choices.actors.map((a) => a.id).sort()).toEqual([alice, bob].sort());
    expect(choices.certificates.map((c) => c.id)).toEqual([certificateId]);
    expect(choices.certificates[0]!.label).toContain("Test Seal");
  });
});
