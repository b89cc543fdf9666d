import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { AuditEntry, Prisma } from "@/lib/db/generated/client";
import { AUDIT_ACTIONS, chainIdFor } from "@/lib/audit/audit-actions";
import { readableName } from "@/lib/engine/pki";

const emptyIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const day = z.preprocess(
  emptyIsUnset,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are YYYY-MM-DD.")
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "That date does not exist.")
    .optional(),
);

/**
 * The audit view's and the export's filters, as query parameters: actor (user id), action,
 * certificate (id), from/to (UTC days, both inclusive), and `before` (a sequence number: the
 * page of entries older than it).
 */
export const auditFilterSchema = z.object({
  actor: z.preprocess(emptyIsUnset, z.string().uuid("Choose a member from the list.").optional()),
  action: z.preprocess(emptyIsUnset, z.enum(AUDIT_ACTIONS, "Choose an action from the list.").optional()),
  certificate: z.preprocess(emptyIsUnset, z.string().uuid("Choose a certificate from the list.").optional()),
  from: day,
  to: day,
  before: z.preprocess(emptyIsUnset, z.coerce.number().int().positive().optional()),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Reads the filters from query parameters (repeated keys: the first counts). */
export function parseAuditFilter(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilter {
  const get = (name: string) => {
    if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
    const value = params[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return auditFilterSchema.parse(
    Object.fromEntries(["actor", "action", "certificate", "from", "to", "before"].map((k) => [k, get(k)])),
  );
}

/** The filters as query parameters again (for links: older page, export). */
export function auditFilterQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "certificate", "from", "to", "before"] as const) {
    const value = filter[key];
    if (value !== undefined) params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/**
 * The database condition for one organisation's entries under `filter`. A certificate
 * matches entries whose subject is that certificate (upload, activation, rotation, revocation,
 * sealers), and entries whose data names it by id (data.certificateId: seals, failed seals) or
 * by its SHA-256 fingerprint (data.certificateSha256). A certificate of another organisation
 * matches nothing.
 */
export async function auditEntryWhere(
  db: Db,
  orgId: string,
  filter: AuditFilter,
): Promise<Prisma.AuditEntryWhereInput> {
  const and: Prisma.AuditEntryWhereInput[] = [{ chainId: chainIdFor(orgId) }];
  if (filter.actor !== undefined) and.push({ actorId: filter.actor });
  if (filter.action !== undefined) and.push({ action: filter.action });
  if (filter.from !== undefined) and.push({ at: { gte: new Date(`${filter.from}T00:00:00.000Z`) } });
  if (filter.to !== undefined)
    and.push({ at: { lt: new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000) } });
  if (filter.certificate !== undefined) {
    const certificate = await db.signingCertificate.findFirst({
      where: { id: filter.certificate, orgId },
      select: { id: true, sha256: true },
    });
    if (certificate === null) {
      and.push({ seq: { lt: 0 } });
    } else {
      and.push({
        OR: [
          { subjectType: "certificate", subjectId: certificate.id },
          { data: { path: ["certificateId"], equals: certificate.id } },
          { data: { path: ["certificateSha256"], equals: certificate.sha256 } },
        ],
      });
    }
  }
  return { AND: and };
}

export type AuditPage = { entries: AuditEntry[]; olderThan: number | null };

/** The newest `limit` entries matching the filter (below `before`), and the cursor of the next older page. */
export async function queryAuditPage(db: Db, orgId: string, filter: AuditFilter, limit = 50): Promise<AuditPage> {
  const where = await auditEntryWhere(db, orgId, filter);
  const rows = await db.auditEntry.findMany({
    where: filter.before === undefined ? where : { AND: [where, { seq: { lt: filter.before } }] },
    orderBy: { seq: "desc" },
    take: limit + 1,
  });
  const entries = rows.slice(0, limit);
  return { entries, olderThan: rows.length > limit ? (entries[entries.length - 1]?.seq ?? null) : null };
}

export type FilterChoice = { id: string; label: string };

/** Who and what the filter form offers: the organisation's members and certificates. */
export async function auditFilterChoices(
  db: Db,
  orgId: string,
): Promise<{ actors: FilterChoice[]; certificates: FilterChoice[] }> {
  const [members, certificates] = await Promise.all([
    db.membership.findMany({
      where: { orgId },
      select: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.signingCertificate.findMany({
      where: { orgId },
      select: { id: true, subject: true, sha256: true, state: true },
      orderBy: { createdAt: "desc" },
    }),
  ]);
  return {
    actors: members.map((m) => ({ id: m.user.id, label: `${m.user.name} <${m.user.email}>` })),
    certificates: certificates.map((c) => ({
      id: c.id,
      label: `${readableName(c.subject)} · ${c.sha256.slice(0, 12)}… · ${c.state.toLowerCase()}`,
    })),
  };
}

/** Emails of the given actors, for display and the CSV's actorEmail column. */
export async function actorEmails(db: Db, actorIds: Iterable<string | null>): Promise<Map<string, string>> {
  const ids = [...new Set([...actorIds].filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}
