import { expireDueRequests } from "../approvals/list-requests";
import type { Db } from "../db/client";
import type { MasterKey } from "../engine/keys/platform";
import { log } from "../log/logger";
import type { OutboundPolicy } from "../outbound/guarded-lookup";
import { NOTHING_ALLOWED } from "../outbound/outbound-allow-list";
import { signDueCheckpoints } from "../audit/checkpoints";
import { deliverPending, type Backoff } from "../audit/siem-delivery";
import { pruneDelivered } from "../audit/siem-outbox";
import type { SiemKey } from "../audit/siem-secret";

export type AuditWorkerOptions = {
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
};

export type AuditWorker = { stop(): Promise<void> };

/**
 * The background jobs of the audit log in one server process: SIEM delivery from the outbox,
 * periodic signed checkpoints, and closing approval requests when they expire. Each job runs
 * again only after its previous run finished (no overlap), errors are logged and retried at
 * the next tick, timers do not keep the process alive, and stop() waits for a run in progress.
 */
export function startAuditWorker(options: AuditWorkerOptions): AuditWorker {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  function loop(name: string, everyMs: number, firstAfterMs: number, job: () => Promise<void>): void {
    if (everyMs <= 0) return;
    const schedule = (delay: number) => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run = job()
          .catch((error: unknown) => log.error({ job: name, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "audit background job failed; retrying at the next tick"))
          .finally(() => {
            running.delete(run);
            schedule(everyMs);
          });
        running.add(run);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    schedule(firstAfterMs);
  }

  loop("siem-delivery", options.siemPollMs, options.siemPollMs, async () => {
    const { delivered, failed } = await deliverPending(await options.db(), { key: options.siemKey(), backoff: options.backoff, outbound: options.outbound ?? { allow: NOTHING_ALLOWED } });
    if (delivered > 0 || failed > 0) log.debug({ delivered, failed }, "SIEM outbox run");
  });

  loop("audit-checkpoints", options.checkpointIntervalMs, options.firstCheckpointAfterMs ?? Math.min(options.checkpointIntervalMs, 60_000), async () => {
    const db = await options.db();
    const signed = await signDueCheckpoints(db, await options.masterKey());
    if (signed.length > 0) log.info({ chains: signed.map((c) => ({ chainId: c.chainId, seq: c.seq })) }, "audit checkpoints signed");
    await pruneDelivered(db, 7);
  });

  const expiryMs = options.approvalExpiryMs ?? 60_000;
  loop("approval-expiry", expiryMs, expiryMs, async () => {
    const closed = await expireDueRequests(await options.db());
    if (closed > 0) log.info({ closed }, "expired approval requests closed");
  });

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
