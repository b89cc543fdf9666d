import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

const job = (documentId: string, status: "QUEUED" | "RUNNING" | "SEALED" | "FAILED" | "CANCELLED" = "QUEUED") => ({
  batchId: randomUUID(),
  documentId,
  orgId: randomUUID(),
  requestedById: randomUUID(),
  certificateId: randomUUID(),
  position: 0,
  requestMeta: {},
  maxAttempts: 3,
  status,
});

describe("the SealJob table", () => {
  it("holds one queued or running job per document, beside any number of finished ones", async () => {
    const documentId = randomUUID();
    await t.db.sealJob.create({ data: job(documentId, "FAILED") });
    await t.db.sealJob.create({ data: job(documentId, "CANCELLED") });
    await t.db.sealJob.create({ data: job(documentId, "QUEUED") });
    await expect(t.db.sealJob.create({ data: job(documentId, "QUEUED") })).rejects.toThrow();
    await expect(t.db.sealJob.create({ data: job(documentId, "RUNNING") })).rejects.toThrow();
    expect(await t.db.sealJob.count({ where: { documentId } })).toBe(3);
  });

  it("starts a job queued, with no attempt, due now", async () => {
    const row = await t.db.sealJob.create({ data: { ...job(randomUUID()), status: undefined } });
    expect(row).toMatchObject({ status: "QUEUED", attempts: 0, leaseOwner: null, pendingObjectKey: null });
    expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
