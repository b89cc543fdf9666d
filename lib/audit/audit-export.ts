import { ForbiddenError } from "@/lib/access/access-errors";
import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import { auditEntryJson } from "@/lib/audit/audit-entry-json";
import { actorEmails, auditEntryWhere, type AuditFilter } from "@/lib/audit/audit-query";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { canonicalJson } from "@/lib/audit/canonical-json";
import { csvRecord } from "@/lib/audit/csv";

export const EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = [
  "seq",
  "at",
  "action",
  "actorId",
  "actorEmail",
  "subjectType",
  "subjectId",
  "data",
  "id",
  "chainId",
  "orgId",
  "prevHash",
  "hash",
] as const;

export const EXPORT_PAGE_SIZE = 500;

export type ExportPlan = {
  orgId: string;
  filter: AuditFilter;
  format: ExportFormat;
  throughSeq: number;
  fileName: string;
  contentType: string;
};

/**
 * Records the export ("audit.exported", with the filters and format) and fixes what it covers:
 * every matching entry up to the one before this record, so a log that keeps growing while
 * the file streams still yields a definite file.
 */
export async function startAuditExport(
  db: Db,
  ctx: OrgContext,
  filter: AuditFilter,
  format: ExportFormat,
  request: RequestMeta,
): Promise<ExportPlan> {
  if (!rolesAllow(ctx.roles, "audit.export")) throw new ForbiddenError();
  const { before: _ignored, ...filters } = filter;
  const recorded: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) recorded[key] = value;
  const entry = await db.$transaction((tx) =>
    appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "audit.exported",
      subjectType: "organisation",
      subjectId: ctx.orgId,
      data: { format, filters: recorded },
      request,
    }),
  );
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return {
    orgId: ctx.orgId,
    filter: filters,
    format,
    throughSeq: entry.seq - 1,
    fileName: `signet-audit-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
  };
}

/**
 * The export as a byte stream, read from the database one page (keyset on seq, ascending) per
 * pull: memory holds one page whatever the size of the log, and a slow reader slows the queries.
 * JSONL: one entry per line exactly as stored (hashes included, so the file can be checked
 * against the chain). CSV: a header, then one record per entry, the data as canonical JSON; every
 * field the hash covers is there, so each record can be re-hashed (lib/audit/verify-export).
 */
export function auditExportStream(
  db: Db,
  plan: ExportPlan,
  options: { pageSize?: number } = {},
): ReadableStream<Uint8Array> {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = plan.format !== "csv";
  let wherePromise: ReturnType<typeof auditEntryWhere> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRecord(CSV_COLUMNS)));
          return;
        }
        wherePromise ??= auditEntryWhere(db, plan.orgId, plan.filter);
        const where = await wherePromise;
        const rows = await db.auditEntry.findMany({
          where: { AND: [where, { seq: { gt: after, lte: plan.throughSeq } }] },
          orderBy: { seq: "asc" },
          take: pageSize,
        });
        let text = "";
        if (plan.format === "jsonl") {
          for (const row of rows) text += `${JSON.stringify(auditEntryJson(row))}\n`;
        } else {
          const emails = await actorEmails(
            db,
            rows.map((r) => r.actorId),
          );
          for (const row of rows) {
            text += csvRecord([
              row.seq,
              row.at.toISOString(),
              row.action,
              row.actorId,
              row.actorId === null ? null : (emails.get(row.actorId) ?? null),
              row.subjectType,
              row.subjectId,
              canonicalJson(row.data as JsonValue),
              row.id,
              row.chainId,
              row.orgId,
              row.prevHash,
              row.hash,
            ]);
          }
        }
        if (text !== "") controller.enqueue(encoder.encode(text));
        const last = rows[rows.length - 1];
        if (last !== undefined) after = last.seq;
        if (rows.length < pageSize) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
