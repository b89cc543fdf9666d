import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { getDb } from "@/lib/db/client";
import { readSettings } from "@/lib/config/settings";
import { rolesAllow } from "@/lib/access/permissions";
import { AUDIT_ACTIONS, chainIdFor } from "@/lib/audit/audit-actions";
import {
  actorEmails,
  auditFilterChoices,
  auditFilterQuery,
  parseAuditFilter,
  queryAuditPage,
  type AuditFilter,
} from "@/lib/audit/audit-query";
import { latestCheckpoint } from "@/lib/audit/checkpoints";
import { siemSettings } from "@/lib/audit/siem-settings";
import { verifyChainIncremental } from "@/lib/audit/incremental-verify";
import {
  SignCheckpointForm,
  SiemDisableForm,
  SiemSettingsForm,
  SiemTestForm,
} from "@/app/(workspace)/audit/audit-forms";
import { requirePagePermission } from "@/app/_server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx } = await requirePagePermission("audit.view");
  const db = await getDb();
  const chainId = chainIdFor(ctx.orgId);
  let filter: AuditFilter = {};
  let filterError: string | null = null;
  const params = await searchParams;
  // Incremental by default (entries since the last verified head); the whole chain on request,
  // and by itself once the last full pass is a day old (see lib/audit/incremental-verify.ts).
  const verifyWhole = params.verify === "full";
  try {
    filter = parseAuditFilter(params);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    filterError = error.issues[0]?.message ?? "Check the filters.";
  }
  const mayExport = rolesAllow(ctx.roles, "audit.export");
  const mayManage = rolesAllow(ctx.roles, "settings.manage");
  const [verification, page, choices, checkpoint, siem] = await Promise.all([
    verifyChainIncremental(db, chainId, { forceFull: verifyWhole }),
    queryAuditPage(db, ctx.orgId, filter, PAGE_SIZE),
    auditFilterChoices(db, ctx.orgId),
    latestCheckpoint(db, chainId),
    mayManage ? siemSettings(db, ctx) : Promise.resolve(null),
  ]);
  const actors = await actorEmails(
    db,
    page.entries.map((e) => e.actorId),
  );
  const filtered = Object.entries(filter).some(([key, value]) => key !== "before" && value !== undefined);
  const { before: _page, ...exportFilter } = filter;
  const publicUrl = `${readSettings().publicUrl}/api/v1/audit/checkpoints/${ctx.orgId}`;

  return (
    <>
      <h1>Audit log</h1>
      <p className={verification.valid ? "alert ok" : "alert error"} role="status" data-testid="chain-status">
        {verification.valid
          ? `Chain verified: ${verification.entries} entries, head ${verification.headHash.slice(0, 16)}…${verification.mode === "incremental" ? ` (the ${verification.checked} appended since the last verified head; earlier entries as of the last full verification)` : " (whole chain)"}`
          : `Chain broken at entry ${verification.firstBreak?.seq}${verification.firstBreak?.entryId ? ` (id ${verification.firstBreak.entryId})` : ""}: ${verification.firstBreak?.reason}. Entries from there on cannot be trusted.`}{" "}
        {verification.mode === "incremental" && (
          <Link href="?verify=full" data-testid="verify-whole-chain">
            Verify the whole chain
          </Link>
        )}
      </p>

      <div className="two-columns">
        <section className="panel" aria-labelledby="checkpoint-heading">
          <h2 id="checkpoint-heading">Signed checkpoints</h2>
          <p className="hint">
            A checkpoint is this log&apos;s head (entry number and hash) signed by Signet&apos;s audit key and published
            without sign-in. Anyone who keeps one can later prove that the history up to it was not rewritten.
          </p>
          {checkpoint === null ? (
            <p data-testid="latest-checkpoint">No checkpoint yet.</p>
          ) : (
            <dl className="facts" data-testid="latest-checkpoint">
              <dt>Latest</dt>
              <dd>entry {checkpoint.seq}</dd>
              <dt>Hash</dt>
              <dd className="mono">{checkpoint.hash}</dd>
              <dt>Signed</dt>
              <dd>{utc(new Date(checkpoint.signedAt))}</dd>
              <dt>Key</dt>
              <dd className="mono">{checkpoint.keyId.slice(0, 16)}…</dd>
            </dl>
          )}
          <p>
            Public:{" "}
            <a href={publicUrl} data-testid="checkpoint-url">
              {publicUrl}
            </a>
          </p>
          <SignCheckpointForm />
        </section>

        {siem !== null && (
          <section className="panel" aria-labelledby="siem-heading">
            <h2 id="siem-heading">SIEM forwarding</h2>
            <p className="hint">
              Each new audit entry is POSTed to your SIEM, signed with HMAC-SHA256, and retried until it is accepted.
            </p>
            {siem.url === null && (
              <p data-testid="siem-off">
                Forwarding is off.
                {siem.delivery.pending > 0
                  ? ` ${siem.delivery.pending} entries wait for it to be turned on again.`
                  : ""}
              </p>
            )}
            {siem.url !== null && (
              <dl className="facts" data-testid="siem-status">
                <dt>Waiting</dt>
                <dd>
                  {siem.delivery.pending === 0
                    ? "nothing: every entry was delivered"
                    : `${siem.delivery.pending} entr${siem.delivery.pending === 1 ? "y" : "ies"}`}
                </dd>
                <dt>Last delivery</dt>
                <dd>{siem.delivery.lastDeliveredAt === null ? "none yet" : utc(siem.delivery.lastDeliveredAt)}</dd>
                {siem.delivery.lastError !== null && (
                  <>
                    <dt>Last error</dt>
                    <dd>
                      {siem.delivery.lastError}
                      {siem.delivery.nextAttemptAt !== null && ` (next attempt ${utc(siem.delivery.nextAttemptAt)})`}
                    </dd>
                  </>
                )}
              </dl>
            )}
            <SiemSettingsForm url={siem.url} hasSecret={siem.hasSecret} />
            {siem.url !== null && (
              <div className="row-form">
                <SiemTestForm />
                <SiemDisableForm />
              </div>
            )}
          </section>
        )}
      </div>

      <section className="panel" aria-labelledby="filter-heading">
        <h2 id="filter-heading">Filter</h2>
        {filterError !== null && (
          <p className="alert error" role="alert">
            {filterError}
          </p>
        )}
        <form method="get" className="filters" aria-label="Filter the audit log">
          <label>
            Actor
            <select name="actor" defaultValue={filter.actor ?? ""}>
              <option value="">Anyone</option>
              {choices.actors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Action
            <select name="action" defaultValue={filter.action ?? ""}>
              <option value="">Any action</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label>
            Certificate
            <select name="certificate" defaultValue={filter.certificate ?? ""}>
              <option value="">Any certificate</option>
              {choices.certificates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            From (UTC)
            <input type="date" name="from" defaultValue={filter.from ?? ""} />
          </label>
          <label>
            To (UTC)
            <input type="date" name="to" defaultValue={filter.to ?? ""} />
          </label>
          <div className="row-form">
            <button type="submit">Apply filters</button>
            {filtered && (
              <Link href="/audit" className="button secondary">
                Clear
              </Link>
            )}
          </div>
        </form>
        {mayExport && (
          <p className="row-form">
            Export {filtered ? "the filtered entries" : "the whole log"}:
            <a href={`/api/audit/export?${auditFilterQuery(exportFilter, { format: "jsonl" })}`} download>
              JSON Lines
            </a>
            <a href={`/api/audit/export?${auditFilterQuery(exportFilter, { format: "csv" })}`} download>
              CSV
            </a>
          </p>
        )}
      </section>

      <section className="panel" aria-labelledby="entries-heading">
        <h2 id="entries-heading">
          {filter.before === undefined
            ? filtered
              ? "Matching entries"
              : "Latest entries"
            : `Entries before #${filter.before}`}
        </h2>
        {page.entries.length === 0 ? (
          <p>No entries match.</p>
        ) : (
          <table data-testid="audit-entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <tr key={e.id}>
                  <td>{e.seq}</td>
                  <td>{e.at.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="mono">{e.action}</td>
                  <td>{e.actorId === null ? "—" : (actors.get(e.actorId) ?? e.actorId)}</td>
                  <td className="mono">
                    {e.subjectType === null
                      ? "—"
                      : `${e.subjectType}${e.subjectId === null ? "" : ` ${e.subjectId.slice(0, 8)}`}`}
                  </td>
                  <td>
                    <div className="mono audit-details">{JSON.stringify(e.data)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.olderThan !== null && (
          <p>
            <Link href={`/audit?${auditFilterQuery({ ...filter, before: page.olderThan })}`}>Older entries</Link>
          </p>
        )}
      </section>
    </>
  );
}
