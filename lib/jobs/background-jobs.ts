import { expireDueRequests } from "@/lib/approvals/list-requests";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { log } from "@/lib/log/logger";
import type { OutboundPolicy } from "@/lib/outbound/guarded-lookup";
import { NOTHING_ALLOWED } from "@/lib/outbound/outbound-allow-list";
import { signDueCheckpoints } from "@/lib/audit/checkpoints";
import { deliverPending, type Backoff } from "@/lib/audit/siem-delivery";
import { pruneDelivered } from "@/lib/audit/siem-outbox";
import type { SiemKey } from "@/lib/audit/siem-secret";
import { removeExpiredSessions } from "@/lib/auth/sessions";
import { startRepeatingJobs, type RunningJobs } from "@/lib/jobs/repeating-jobs";

export type BackgroundJobsOptions = {
  db: () => Promise<Db>;
  masterKey: () => Promise<MasterKey>;
  siemKey: () => SiemKey;
  /** How often the SIEM outbox is polled; 0 turns forwarding off in this process. */
  siemPollMs: number;
  /** How often chains whose head moved get a checkpoint; 0 turns periodic checkpoints off. */
  checkpointIntervalMs: number;
  /** How often approval requests whose time ran out are closed (and audited); 0 turns the sweep off. */
  approvalExpiryMs?: number;
  /** Delay before the first checkpoint run. */
  firstCheckpointAfterMs?: number;
  backoff?: Backoff;
  /** Where SIEM deliveries may go (SIGNET_OUTBOUND_ALLOW); by default, public addresses only. */
  outbound?: OutboundPolicy;
  /** Sessions older than this are removed from the database; undefined turns the sweep off. */
  sessionMaxAgeSeconds?: number;
  /** How often the session sweep runs (default 15 minutes). */
  sessionSweepMs?: number;
};

/**
 * The background jobs of one server process: SIEM delivery from the outbox, periodic signed
 * checkpoints of the audit log, closing approval requests whose time ran out, and removing
 * sessions past their maximum age.
 */
export function startBackgroundJobs(options: BackgroundJobsOptions): RunningJobs {
  const expiryMs = options.approvalExpiryMs ?? 60_000;
  const sweepMs = options.sessionSweepMs ?? 15 * 60_000;
  return startRepeatingJobs([
    {
      name: "siem-delivery",
      everyMs: options.siemPollMs,
      run: async () => {
        const { delivered, failed } = await deliverPending(await options.db(), {
          key: options.siemKey(),
          backoff: options.backoff,
          outbound: options.outbound ?? { allow: NOTHING_ALLOWED },
        });
        if (delivered > 0 || failed > 0) log.debug({ delivered, failed }, "SIEM outbox run");
      },
    },
    {
      name: "audit-checkpoints",
      everyMs: options.checkpointIntervalMs,
      firstAfterMs: options.firstCheckpointAfterMs ?? Math.min(options.checkpointIntervalMs, 60_000),
      run: async () => {
        const db = await options.db();
        const signed = await signDueCheckpoints(db, await options.masterKey());
        if (signed.length > 0)
          log.info({ chains: signed.map((c) => ({ chainId: c.chainId, seq: c.seq })) }, "audit checkpoints signed");
        await pruneDelivered(db, 7);
      },
    },
    {
      name: "approval-expiry",
      everyMs: expiryMs,
      run: async () => {
        const closed = await expireDueRequests(await options.db());
        if (closed > 0) log.info({ closed }, "expired approval requests closed");
      },
    },
    {
      name: "session-sweep",
      everyMs: options.sessionMaxAgeSeconds === undefined ? 0 : sweepMs,
      run: async () => {
        const removed = await removeExpiredSessions(await options.db(), options.sessionMaxAgeSeconds ?? Infinity);
        if (removed > 0) log.debug({ removed }, "expired sessions removed");
      },
    },
  ]);
}
