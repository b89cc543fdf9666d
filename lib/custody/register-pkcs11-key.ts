import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { isSignetError } from "@/lib/engine/errors";
import { generatePkcs11Key, type Pkcs11KeyGenAlgorithm } from "@/lib/engine/keys/pkcs11";
import { Pkcs11KeyBackend } from "@/lib/engine/keys/pkcs11";
import { assertAllowedPkcs11Module, pkcs11Pin } from "@/lib/custody/pkcs11-modules";
import { assertLabelFree, keyLabelSchema } from "@/lib/custody/platform-keys";
import { createSigningKeyRecord } from "@/lib/custody/signing-key-record";

const GENERATED_ALGORITHMS: Record<string, Pkcs11KeyGenAlgorithm> = {
  "RSA-2048": { kind: "RSA", modulusBits: 2048 },
  "RSA-3072": { kind: "RSA", modulusBits: 3072 },
  "RSA-4096": { kind: "RSA", modulusBits: 4096 },
  "EC-P256": { kind: "EC", curve: "P-256" },
  "EC-P384": { kind: "EC", curve: "P-384" },
};

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .or(z.literal("").transform(() => undefined));

export const pkcs11KeyInputSchema = z
  .object({
    label: keyLabelSchema,
    modulePath: z.string().min(1, "Choose the PKCS#11 library."),
    tokenLabel: z.string().trim().min(1, "Enter the token label.").max(32, "A token label has at most 32 characters."),
    pinEnv: z
      .string()
      .regex(
        /^[A-Z_][A-Z0-9_]{0,63}$/,
        "Enter the name of the server environment variable that holds the PIN, such as SIGNET_HSM_PIN.",
      ),
    keyLabel: optionalText(64),
    keyId: optionalText(128),
    generate: z
      .enum(Object.keys(GENERATED_ALGORITHMS) as [string, ...string[]])
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .refine((v) => v.generate !== undefined || v.keyLabel !== undefined || v.keyId !== undefined, {
    message: "Name the existing key (label or id), or choose to generate one in the token.",
    path: ["keyLabel"],
  });

/**
 * Registers a key held in a PKCS#11 token: an existing one (found by label or id) or one
 * generated inside the token (sensitive, not extractable). Only the reference, the name of the
 * PIN's environment variable and the public key are stored. A failure is audited.
 */
export async function registerPkcs11Key(
  db: Db,
  ctx: OrgContext,
  input: z.input<typeof pkcs11KeyInputSchema>,
  request: RequestMeta,
): Promise<{ keyId: string }> {
  const parsed = pkcs11KeyInputSchema.parse(input);
  await assertLabelFree(db, ctx.orgId, parsed.label);
  let found: { keyLabel: string | undefined; keyId: string; publicKey: Uint8Array };
  try {
    assertAllowedPkcs11Module(parsed.modulePath);
    const pin = pkcs11Pin(parsed.pinEnv);
    if (parsed.generate !== undefined) {
      const generated = await generatePkcs11Key({
        modulePath: parsed.modulePath,
        tokenLabel: parsed.tokenLabel,
        pin,
        label: parsed.keyLabel ?? parsed.label.slice(0, 32),
        algorithm: GENERATED_ALGORITHMS[parsed.generate]!,
      });
      found = { keyLabel: generated.keyLabel, keyId: generated.keyId, publicKey: generated.publicKey };
    } else {
      const backend = await Pkcs11KeyBackend.open({
        modulePath: parsed.modulePath,
        tokenLabel: parsed.tokenLabel,
        keyLabel: parsed.keyLabel,
        keyId: parsed.keyId,
        pin,
      });
      try {
        const publicKey = await backend.publicKey();
        found = { keyLabel: backend.identity().keyLabel, keyId: backend.identity().keyId, publicKey };
      } finally {
        await backend.close();
      }
    }
  } catch (error) {
    if (isSignetError(error)) {
      await db.$transaction((tx) =>
        appendAudit(tx, {
          orgId: ctx.orgId,
          actorId: ctx.userId,
          action: "key.registration_failed",
          subjectType: "signing_key",
          data: { backend: "PKCS11", token: parsed.tokenLabel, code: error.code },
          request,
        }),
      );
    }
    throw error;
  }
  const keyId = randomUUID();
  await db.$transaction(async (tx) => {
    const { publicKeySha256 } = await createSigningKeyRecord(tx, ctx, {
      keyId,
      label: parsed.label,
      spki: found.publicKey,
      reference: {
        backend: "PKCS11",
        pkcs11Module: parsed.modulePath,
        pkcs11Token: parsed.tokenLabel,
        pkcs11KeyLabel: found.keyLabel ?? null,
        pkcs11KeyId: found.keyId,
        pkcs11PinEnv: parsed.pinEnv,
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: parsed.generate !== undefined ? "key.generated" : "key.registered",
      subjectType: "signing_key",
      subjectId: keyId,
      data: {
        label: parsed.label,
        backend: "PKCS11",
        token: parsed.tokenLabel,
        pkcs11KeyId: found.keyId,
        publicKeySha256,
        generatedInToken: parsed.generate !== undefined,
      },
      request,
    });
  });
  return { keyId };
}
