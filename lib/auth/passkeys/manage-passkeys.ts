import { z } from "zod";
import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { appendAccountAudit } from "@/lib/auth/passkeys/account-audit";
import { passkeyNameSchema, splitTransports } from "@/lib/auth/passkeys/passkey-registration";
import { PasskeyError } from "@/lib/auth/passkeys/passkey-errors";

export type PasskeySummary = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  deviceType: string;
  backedUp: boolean;
  transports: string[];
};

export const credentialIdSchema = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/);

/** The person's own passkeys, newest first. Never the public keys: the page needs none. */
export async function listPasskeys(db: Db, userId: string): Promise<PasskeySummary[]> {
  const rows = await db.passkey.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      createdAt: true,
      lastUsedAt: true,
      deviceType: true,
      backedUp: true,
      transports: true,
    },
  });
  return rows.map((row) => ({ ...row, transports: splitTransports(row.transports) }));
}

/** Renames one of the person's own passkeys (only the label changes; nothing to audit). */
export async function renamePasskey(db: Db, userId: string, credentialId: string, name: string): Promise<void> {
  const id = credentialIdSchema.parse(credentialId);
  const newName = passkeyNameSchema.parse(name);
  const { count } = await db.passkey.updateMany({ where: { id, userId }, data: { name: newName } });
  if (count !== 1) throw new PasskeyError("passkey.not_found", { status: 404 });
}

/** Removes one of the person's own passkeys (another person's id is "not found"), with its audit entry. */
export async function removePasskey(
  db: Db,
  userId: string,
  credentialId: string,
  request: RequestMeta,
): Promise<{ name: string }> {
  const id = credentialIdSchema.parse(credentialId);
  return db.$transaction(async (tx) => {
    const passkey = await tx.passkey.findFirst({ where: { id, userId }, select: { name: true } });
    if (passkey === null) throw new PasskeyError("passkey.not_found", { status: 404 });
    await tx.passkey.delete({ where: { id } });
    await appendAccountAudit(tx, {
      userId,
      action: "passkey.removed",
      subjectType: "passkey",
      subjectId: id,
      data: { credentialId: id, name: passkey.name },
      request,
    });
    return { name: passkey.name };
  });
}
