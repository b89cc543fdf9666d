// Full vs incremental audit-chain verification on a chain of 100,000 entries (or --entries N).
//
//   TEST_DATABASE_URL= npm run bench:audit                                               PGlite in memory
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/signet_test npm run bench:audit   PostgreSQL (scratch database, dropped after)
//
// The entries are bulk-inserted with their real hashes (lib/audit/entry-hash.ts), then 10 more are
// appended with appendAudit. Prints wall times; asserts nothing about them.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";
import { verifyChainIncremental } from "@/lib/audit/incremental-verify";
import { verifyChain } from "@/lib/audit/verify-chain";
import { createTestDatabase } from "@/test/support/test-database";

const { values } = parseArgs({ options: { entries: { type: "string", default: "100000" } } });
const total = Number(values.entries);
const BATCH = 2000;

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: Math.round(performance.now() - start), result };
}

async function main() {
  const t = await createTestDatabase();
  try {
    const orgId = (await t.db.organization.create({ data: { name: "Bench" } })).id;
    const chainId = chainIdFor(orgId);
    const base = Date.now() - total * 1000;
    let prevHash = GENESIS_HASH;
    const filled = await time(async () => {
      for (let from = 1; from <= total; from += BATCH) {
        const rows = [];
        for (let seq = from; seq < Math.min(from + BATCH, total + 1); seq++) {
          const entry = {
            chainId,
            seq,
            orgId,
            at: new Date(base + seq * 1000),
            actorId: null,
            action: "member.roles_changed",
            subjectType: "bench",
            subjectId: String(seq),
            data: { seq },
            prevHash,
          };
          prevHash = entryHash(entry);
          rows.push({ id: randomUUID(), ...entry, hash: prevHash });
        }
        await t.db.auditEntry.createMany({ data: rows });
      }
      await t.db.auditHead.create({ data: { chainId, seq: total, hash: prevHash } });
    });

    const full = await time(() => verifyChain(t.db, chainId));
    const firstView = await time(() => verifyChainIncremental(t.db, chainId));
    for (let i = 0; i < 10; i++)
      await t.db.$transaction((tx) =>
        appendAudit(tx, {
          orgId,
          actorId: null,
          action: "member.roles_changed",
          subjectType: "bench",
          subjectId: `new ${i}`,
          data: { i },
        }),
      );
    const incremental = await time(() => verifyChainIncremental(t.db, chainId));
    const fullAfter = await time(() => verifyChain(t.db, chainId));
    for (const r of [full, firstView, incremental, fullAfter])
      if (!r.result.valid) throw new Error(`chain did not verify: ${JSON.stringify(r.result.firstBreak)}`);

    const line = (label: string, r: typeof full) =>
      `${label.padEnd(50)} ${String(r.ms).padStart(7)} ms  (${r.result.mode}, ${r.result.checked} entries recomputed, ${r.result.entries} in chain)`;
    console.log(`database: ${t.kind}, ${total} entries (bulk insert ${filled.ms} ms)`);
    console.log(line("full verification", full));
    console.log(line("first view (no remembered head: full + remember)", firstView));
    console.log(line("incremental view after 10 appends", incremental));
    console.log(line("full verification after 10 appends", fullAfter));
  } finally {
    await t.drop();
  }
}

await main();
