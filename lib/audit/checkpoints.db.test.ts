import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation } from "@/test/support/signet-accounts";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import {
  auditPublicKeys,
  ensureAuditSigningKey,
  rewrapAuditSigningKeys,
  signWithAuditKey,
} from "@/lib/audit/audit-signing-key";
import { canonicalJson } from "@/lib/audit/canonical-json";
import { parseCheckpointDocument, verifyCheckpoint } from "@/lib/audit/checkpoint-verify";
import { createCheckpoint, publicCheckpoints, signDueCheckpoints } from "@/lib/audit/checkpoints";

const masterKey = new LocalMasterKey(randomBytes(32).toString("base64"));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const append = (orgId: string, n: number) =>
  t.db.$transaction((tx) =>
    appendAudit(tx, { orgId, actorId: null, action: "member.roles_changed", data: { n, note: "private detail" } }),
  );

async function orgWithEntries(count: number): Promise<string> {
  const { orgId } = await createOrganisation(t.db);
  for (let i = 0; i < count; i++) await append(orgId, i);
  return orgId;
}

describe("the platform audit key", () => {
  it("is Ed25519, generated once, its private key stored encrypted and usable only with the master key", async () => {
    const [a, b] = await Promise.all([ensureAuditSigningKey(t.db, masterKey), ensureAuditSigningKey(t.db, masterKey)]);
    expect(a.id).toBe(b.id);
    expect(a.algorithm).toBe("Ed25519");
    expect(a.publicKeyPem).toContain("BEGIN PUBLIC KEY");
    expect(await t.db.auditSigningKey.count()).toBe(1);
    const keys = await auditPublicKeys(t.db);
    expect(Object.keys(keys[0]!)).not.toContain("privateKeyEncrypted");
    const other = new LocalMasterKey(randomBytes(32).toString("base64"));
    await expect(signWithAuditKey(t.db, other, a.id, Buffer.from("x"))).rejects.toThrow(/another master key/);
    // Master key rotation re-wraps it; the old master key no longer opens it.
    expect(await rewrapAuditSigningKeys(t.db, masterKey, other)).toEqual({ rewrapped: 1 });
    expect(await signWithAuditKey(t.db, other, a.id, Buffer.from("x"))).toHaveLength(64);
    await rewrapAuditSigningKeys(t.db, other, masterKey);
    expect(await signWithAuditKey(t.db, masterKey, a.id, Buffer.from("x"))).toHaveLength(64);
  });
});

describe("checkpoints", () => {
  it("sign the head before their own audit entry, and verify", async () => {
    const orgId = await orgWithEntries(4);
    const checkpoint = await createCheckpoint(t.db, masterKey, chainIdFor(orgId), { actorId: null });
    expect(checkpoint).toMatchObject({ chainId: chainIdFor(orgId), orgId, seq: 4, algorithm: "Ed25519" });
    const entry4 = await t.db.auditEntry.findUniqueOrThrow({
      where: { chainId_seq: { chainId: chainIdFor(orgId), seq: 4 } },
    });
    expect(checkpoint.hash).toBe(entry4.hash);
    const statement = JSON.parse(checkpoint.statement) as Record<string, unknown>;
    expect(statement).toEqual({
      type: "signet-audit-checkpoint/v1",
      chainId: chainIdFor(orgId),
      orgId,
      seq: 4,
      hash: entry4.hash,
      signedAt: checkpoint.signedAt,
      keyId: checkpoint.keyId,
    });
    expect(canonicalJson(statement as never)).toBe(checkpoint.statement);
    const own = await t.db.auditEntry.findUniqueOrThrow({
      where: { chainId_seq: { chainId: chainIdFor(orgId), seq: 5 } },
    });
    expect(own).toMatchObject({
      action: "audit.checkpoint_signed",
      subjectId: checkpoint.id,
      data: { seq: 4, hash: entry4.hash, keyId: checkpoint.keyId },
    });

    await append(orgId, 99);
    const result = await verifyCheckpoint(t.db, parseCheckpointDocument(JSON.parse(JSON.stringify(checkpoint))));
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => c.check)).toEqual(["statement", "key", "signature", "entry", "chain"]);
  });

  it("refuse a changed statement or signature, and an unknown key", async () => {
    const orgId = await orgWithEntries(2);
    const checkpoint = await createCheckpoint(t.db, masterKey, chainIdFor(orgId), { actorId: null });
    const otherEntry = await t.db.auditEntry.findUniqueOrThrow({
      where: { chainId_seq: { chainId: chainIdFor(orgId), seq: 1 } },
    });
    const forged = checkpoint.statement.replace(checkpoint.hash, otherEntry.hash).replace('"seq":2', '"seq":1');
    expect(await verifyCheckpoint(t.db, { statement: forged, signature: checkpoint.signature })).toMatchObject({
      valid: false,
      checks: expect.arrayContaining([{ check: "signature", ok: false, detail: expect.any(String) }]),
    });
    const badSignature = Buffer.from(checkpoint.signature, "base64");
    badSignature[0] = (badSignature[0] ?? 0) ^ 1;
    expect(
      (await verifyCheckpoint(t.db, { statement: checkpoint.statement, signature: badSignature.toString("base64") }))
        .valid,
    ).toBe(false);
    const notCanonical = JSON.stringify(JSON.parse(checkpoint.statement), null, 1);
    expect(
      (await verifyCheckpoint(t.db, { statement: notCanonical, signature: checkpoint.signature })).checks[0],
    ).toMatchObject({ check: "statement", ok: false });
    const unknownKey = checkpoint.statement.replace(checkpoint.keyId, "f".repeat(64));
    expect(
      (await verifyCheckpoint(t.db, { statement: unknownKey, signature: checkpoint.signature })).checks[1],
    ).toMatchObject({ check: "key", ok: false });
    expect(() => parseCheckpointDocument({ hello: 1 })).toThrow(/not a Signet audit checkpoint/);
  });

  it("are signed periodically only for chains whose head moved (a checkpoint's own entry is not a move)", async () => {
    const moved = await orgWithEntries(3);
    const still = await orgWithEntries(2);
    await createCheckpoint(t.db, masterKey, chainIdFor(still), { actorId: null });
    const first = await signDueCheckpoints(t.db, masterKey);
    const chains = first.map((c) => c.chainId);
    expect(chains).toContain(chainIdFor(moved));
    expect(chains).not.toContain(chainIdFor(still));
    expect(await signDueCheckpoints(t.db, masterKey)).toEqual([]);
    await append(still, 1);
    expect((await signDueCheckpoints(t.db, masterKey)).map((c) => c.chainId)).toEqual([chainIdFor(still)]);
  });

  it("are published with hashes and sequence numbers only, newest first", async () => {
    const orgId = await orgWithEntries(3);
    await createCheckpoint(t.db, masterKey, chainIdFor(orgId), { actorId: null });
    await append(orgId, 3);
    const latest = await createCheckpoint(t.db, masterKey, chainIdFor(orgId), { actorId: null });
    const doc = await publicCheckpoints(t.db, orgId);
    expect(doc?.latest).toEqual(latest);
    expect(doc?.checkpoints.map((c) => c.seq)).toEqual([5, 3]);
    const text = JSON.stringify(doc);
    expect(text).not.toContain("private detail");
    expect(text).not.toContain("member.roles_changed");
    expect(Object.keys(latest).sort()).toEqual([
      "algorithm",
      "chainId",
      "hash",
      "id",
      "keyId",
      "orgId",
      "seq",
      "signature",
      "signedAt",
      "statement",
    ]);
    expect(await publicCheckpoints(t.db, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("detect a history rewritten after the checkpoint (superuser, trigger disabled)", async () => {
    const orgId = await orgWithEntries(5);
    const checkpoint = await createCheckpoint(t.db, masterKey, chainIdFor(orgId), { actorId: null });
    const victim = await t.db.auditEntry.findUniqueOrThrow({
      where: { chainId_seq: { chainId: chainIdFor(orgId), seq: 2 } },
    });
    // Rewrite entry 2 and re-hash everything after it, as a careful attacker would: the chain verifies again, but not against the checkpoint.
    await t.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
      const { entryHash } = await import("@/lib/audit/entry-hash");
      const rows = await tx.auditEntry.findMany({ where: { chainId: chainIdFor(orgId) }, orderBy: { seq: "asc" } });
      let prevHash = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const data = row.id === victim.id ? { n: 1000, note: "rewritten" } : (row.data as { [key: string]: never });
        const hash = entryHash({ ...row, data, prevHash });
        await tx.$executeRawUnsafe(
          `UPDATE "AuditEntry" SET data = $1::jsonb, "prevHash" = $2, hash = $3 WHERE id = $4`,
          JSON.stringify(data),
          prevHash,
          hash,
          row.id,
        );
        prevHash = hash;
      }
      await tx.$executeRawUnsafe(`UPDATE "AuditHead" SET hash = $1 WHERE "chainId" = $2`, prevHash, chainIdFor(orgId));
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
    });
    const result = await verifyCheckpoint(t.db, checkpoint);
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.check === "entry")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/rewritten/),
    });
    expect(result.checks.find((c) => c.check === "chain")).toMatchObject({ ok: true });
  });
});
