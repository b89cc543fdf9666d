import { ForbiddenError } from "@/lib/access/access-errors";
import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import type { OutboundPolicy } from "@/lib/outbound/guarded-lookup";
import { NOTHING_ALLOWED, type OutboundAllowList } from "@/lib/outbound/outbound-allow-list";
import { refusedBeforeLookup } from "@/lib/outbound/destination-check";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import { AuditError } from "@/lib/audit/audit-errors";
import { newDeliveryId, postToSiem, siemTestBody, type PostResult } from "@/lib/audit/siem-delivery";
import { siemDeliveryStatus, type SiemDeliveryStatus } from "@/lib/audit/siem-outbox";
import { generateSiemSecret, openSiemSecret, sealSiemSecret, type SiemKey } from "@/lib/audit/siem-secret";
import { parseSiemWebhookUrl } from "@/lib/audit/siem-url";

export const MIN_SECRET_LENGTH = 24;

export type SiemSettingsInput = {
  url: string;
  /** A secret the administrator chose; empty: keep the current one, or generate one if there is none. */
  secret?: string;
  /** Generate a fresh secret even though one exists. */
  newSecret?: boolean;
};

function requireSettingsPermission(ctx: OrgContext): void {
  if (!rolesAllow(ctx.roles, "settings.manage")) throw new ForbiddenError();
}

/**
 * Turns forwarding on or changes it, audited as "siem.changed" (the URL before and after and
 * whether the secret changed; never the secret). Returns the secret when Signet generated it:
 * it is shown once and cannot be read back from the page afterwards.
 */
export async function configureSiem(
  db: Db,
  ctx: OrgContext,
  input: SiemSettingsInput,
  key: SiemKey,
  options: { allowHttp: boolean; outboundAllow?: OutboundAllowList },
  request: RequestMeta,
): Promise<{ generatedSecret: string | null }> {
  requireSettingsPermission(ctx);
  const url = parseSiemWebhookUrl(input.url, options);
  if (refusedBeforeLookup(new URL(url).hostname, options.outboundAllow ?? NOTHING_ALLOWED)) {
    throw new AuditError(
      "audit.siem_url",
      "That address is not allowed: Signet does not send to this server, private or link-local networks unless the operator allows them (SIGNET_OUTBOUND_ALLOW).",
      { field: "url" },
    );
  }
  const chosen = input.secret?.trim() ?? "";
  if (chosen !== "" && chosen.length < MIN_SECRET_LENGTH)
    throw new AuditError(
      "audit.siem_secret",
      `A webhook secret must be at least ${MIN_SECRET_LENGTH} characters long; leave it empty and Signet generates one.`,
      { field: "secret" },
    );
  if (chosen.length > 256)
    throw new AuditError("audit.siem_secret", "A webhook secret must be at most 256 characters long.", {
      field: "secret",
    });
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({
      where: { id: ctx.orgId },
      select: { siemWebhookUrl: true, siemSecretEncrypted: true },
    });
    const generate = chosen === "" && (input.newSecret === true || before.siemSecretEncrypted === null);
    const secret = generate ? generateSiemSecret() : chosen;
    const secretChange = generate ? "generated" : chosen !== "" ? "entered" : "kept";
    await tx.organization.update({
      where: { id: ctx.orgId },
      data: {
        siemWebhookUrl: url,
        ...(secret === "" ? {} : { siemSecretEncrypted: Buffer.from(sealSiemSecret(key, ctx.orgId, secret)) }),
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "siem.changed",
      subjectType: "organisation",
      subjectId: ctx.orgId,
      data: { url: { before: before.siemWebhookUrl, after: url }, secret: secretChange },
      request,
    });
    return { generatedSecret: generate ? secret : null };
  });
}

/** Stops forwarding and forgets the secret. Rows not yet delivered stay, and go out if forwarding is turned on again. */
export async function disableSiem(db: Db, ctx: OrgContext, request: RequestMeta): Promise<void> {
  requireSettingsPermission(ctx);
  await db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({
      where: { id: ctx.orgId },
      select: { siemWebhookUrl: true },
    });
    if (before.siemWebhookUrl === null) return;
    await tx.organization.update({
      where: { id: ctx.orgId },
      data: { siemWebhookUrl: null, siemSecretEncrypted: null },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "siem.changed",
      subjectType: "organisation",
      subjectId: ctx.orgId,
      data: { url: { before: before.siemWebhookUrl, after: null }, secret: "removed" },
      request,
    });
  });
}

export type SiemSettings = { url: string | null; hasSecret: boolean; delivery: SiemDeliveryStatus };

/** What the audit page shows: the URL, whether a secret is set (never the secret), the outbox. */
export async function siemSettings(db: Db, ctx: OrgContext): Promise<SiemSettings> {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: ctx.orgId },
    select: { siemWebhookUrl: true, siemSecretEncrypted: true },
  });
  return {
    url: org.siemWebhookUrl,
    hasSecret: org.siemSecretEncrypted !== null,
    delivery: await siemDeliveryStatus(db, ctx.orgId),
  };
}

/** Posts a signed test event to the configured webhook now and reports the answer (coarsely). Not audited: it changes nothing. */
export async function sendSiemTestEvent(
  db: Db,
  ctx: OrgContext,
  key: SiemKey,
  options: { outbound: OutboundPolicy; timeoutMs?: number },
): Promise<PostResult> {
  requireSettingsPermission(ctx);
  const org = await db.organization.findUniqueOrThrow({
    where: { id: ctx.orgId },
    select: { siemWebhookUrl: true, siemSecretEncrypted: true },
  });
  if (org.siemWebhookUrl === null || org.siemSecretEncrypted === null)
    throw new AuditError("audit.siem_not_configured", "Set up the SIEM webhook first.", { status: 409 });
  const secret = openSiemSecret(key, ctx.orgId, org.siemSecretEncrypted);
  try {
    const result = await postToSiem(
      org.siemWebhookUrl,
      secret,
      siemTestBody(ctx.orgId),
      { event: "test", deliveryId: newDeliveryId() },
      options,
    );
    // The network detail stays on the server: the button must not work as a port scanner.
    return result.ok ? result : { ok: false, error: result.error };
  } finally {
    secret.fill(0);
  }
}
