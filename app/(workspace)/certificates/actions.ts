"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { createPlatformKey, platformKeyInputSchema } from "@/lib/custody/platform-keys";
import { registerKmsKey } from "@/lib/custody/register-kms-key";
import { registerPkcs11Key } from "@/lib/custody/register-pkcs11-key";
import { setSelfSignedPolicy } from "@/lib/custody/list-keys";
import { createCertificateRequest, importPkcs12Key, uploadCertificate } from "@/lib/custody/enrol-key";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { outcomeMessage } from "@/app/_server/governed-messages";
import { governedActionSchema } from "@/lib/approvals/governed-action";
import { setCertificateSealers } from "@/lib/lifecycle/certificate-sealers";
import { z } from "zod";
import { csrSubjectSchema } from "@/lib/engine/enrolment";

const idSchema = z.string().uuid("That item does not exist.");
/** Certificates and PKCS#12 files are small; anything larger is not one. */
const MAX_UPLOAD_BYTES = 256 * 1024;

async function fileBytes(form: FormData, name: string, what: string): Promise<Uint8Array> {
  const file = form.get(name);
  if (!(file instanceof File) || file.size === 0)
    throw new z.ZodError([
      { code: "custom", path: [name], message: `Choose the ${what} to upload.`, input: undefined },
    ]);
  if (file.size > MAX_UPLOAD_BYTES)
    throw new z.ZodError([
      {
        code: "custom",
        path: [name],
        message: `That file is too large to be a ${what} (limit 256 KB).`,
        input: undefined,
      },
    ]);
  return new Uint8Array(await file.arrayBuffer());
}
import { failure, formValues, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";
import { requireOrgPermission } from "@/app/_server/session";

export async function generatePlatformKeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["label", "algorithm"]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const input = platformKeyInputSchema.parse({ label: values.label, algorithm: values.algorithm || undefined });
    await createPlatformKey(await getDb(), ctx, input, await processMasterKey(), await requestMeta());
    revalidatePath("/certificates");
    return { ok: true, message: `Key "${values.label}" generated. Next: create a certificate signing request for it.` };
  } catch (error) {
    return failure(error, values);
  }
}

export async function registerKmsKeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["label", "keyId", "region", "roleArn", "externalId"]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const { description } = await registerKmsKey(
      await getDb(),
      ctx,
      {
        label: values.label ?? "",
        keyId: values.keyId ?? "",
        region: values.region,
        roleArn: values.roleArn,
        externalId: values.externalId,
      },
      await requestMeta(),
      {
        endpoint: process.env.SIGNET_AWS_KMS_ENDPOINT || undefined,
      },
    );
    revalidatePath("/certificates");
    return {
      ok: true,
      message: `AWS KMS key registered: ${description.keyArn} (${description.keySpec}). Only its reference and public key are stored.`,
    };
  } catch (error) {
    return failure(error, values);
  }
}

export async function setTestingPolicyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("settings.manage");
    const allow = form.get("allowSelfSigned") === "on";
    await setSelfSignedPolicy(await getDb(), ctx, allow, await requestMeta());
    revalidatePath("/certificates");
    return {
      ok: true,
      message: allow
        ? "Testing policy on: self-signed certificates may be enrolled and will be marked as testing."
        : "Testing policy off: only CA-issued certificates may be enrolled.",
    };
  } catch (error) {
    return failure(error);
  }
}

export async function createCertificateRequestAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, [
    "commonName",
    "organisation",
    "organisationalUnit",
    "country",
    "locality",
    "state",
    "email",
    "serialNumber",
  ]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const keyId = idSchema.parse(form.get("keyId"));
    const subject = csrSubjectSchema.parse(values);
    const { requestId } = await createCertificateRequest(
      await getDb(),
      ctx,
      keyId,
      subject,
      await processMasterKey(),
      await requestMeta(),
    );
    revalidatePath("/certificates");
    return {
      ok: true,
      message: "Certificate signing request created. Download it and send it to your certificate authority.",
      reveal: `/api/certificate-requests/${requestId}`,
    };
  } catch (error) {
    return failure(error, values);
  }
}

export async function uploadCertificateAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const keyId = idSchema.parse(form.get("keyId"));
    const { testing } = await uploadCertificate(
      await getDb(),
      ctx,
      keyId,
      await fileBytes(form, "certificate", "certificate file"),
      await requestMeta(),
    );
    revalidatePath("/certificates");
    return {
      ok: true,
      message: `Certificate accepted${testing ? " (self-signed: testing only)" : ""}. Activate it to seal with it.`,
    };
  } catch (error) {
    return failure(error);
  }
}

export async function importPkcs12Action(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["label"]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const file = await fileBytes(form, "pkcs12", "PKCS#12 file");
    await importPkcs12Key(
      await getDb(),
      ctx,
      { label: values.label ?? "", password: String(form.get("password") ?? ""), file },
      await processMasterKey(),
      await requestMeta(),
    );
    revalidatePath("/certificates");
    return {
      ok: true,
      message: `Imported "${values.label}": its private key is stored encrypted; activate the certificate to seal with it.`,
    };
  } catch (error) {
    return failure(error, values);
  }
}

/** A datetime-local value, read as UTC (the form says so), to an ISO time; empty means now. */
function utcFromForm(value: FormDataEntryValue | null): string | undefined {
  const text = String(value ?? "").trim();
  if (text === "") return undefined;
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Activate, rotate, revoke, destroy: one action for every lifecycle form (the kind is a hidden field). */
export async function lifecycleAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["reason", "comment", "reasonCode", "effectiveAt", "successorId", "confirmLabel"]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const kind = String(form.get("kind") ?? "");
    const raw: Record<string, unknown> = { kind };
    for (const name of ["certificateId", "successorId", "keyId", "reason", "reasonCode"])
      if (form.has(name)) raw[name] = String(form.get(name));
    if (form.has("comment") && String(form.get("comment")).trim() !== "") raw.comment = String(form.get("comment"));
    if (kind === "certificate.revoke") raw.effectiveAt = utcFromForm(form.get("effectiveAt"));
    const action = governedActionSchema.parse(raw);
    if (action.kind === "key.destroy") {
      const key = await (
        await getDb()
      ).signingKey.findFirst({ where: { id: action.keyId, orgId: ctx.orgId }, select: { label: true } });
      if (key === null || values.confirmLabel?.trim() !== key.label)
        return { error: "Type the key's name exactly to confirm its destruction.", field: "confirmLabel", values };
    }
    const outcome = await submitGovernedAction(await getDb(), ctx, action, await requestMeta());
    revalidatePath("/certificates", "layout");
    revalidatePath("/approvals");
    return { ok: true, message: outcomeMessage(action.kind, outcome) };
  } catch (error) {
    return failure(error, values);
  }
}

export async function setSealersAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    const restricted = form.get("mode") === "listed";
    await setCertificateSealers(
      await getDb(),
      ctx,
      {
        certificateId: idSchema.parse(form.get("certificateId")),
        restricted,
        userIds: restricted ? form.getAll("userIds").map(String) : [],
      },
      await requestMeta(),
    );
    revalidatePath("/certificates", "layout");
    return {
      ok: true,
      message: restricted
        ? "Saved: only the members ticked may seal with this certificate."
        : "Saved: every signer of the organisation may seal with this certificate.",
    };
  } catch (error) {
    return failure(error);
  }
}

export async function registerPkcs11KeyAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["label", "modulePath", "tokenLabel", "pinEnv", "keyLabel", "keyId", "generate"]);
  try {
    const { ctx } = await requireOrgPermission("certificates.manage");
    await registerPkcs11Key(
      await getDb(),
      ctx,
      {
        label: values.label ?? "",
        modulePath: values.modulePath ?? "",
        tokenLabel: values.tokenLabel ?? "",
        pinEnv: values.pinEnv ?? "",
        keyLabel: values.keyLabel,
        keyId: values.keyId,
        generate: values.generate,
      },
      await requestMeta(),
    );
    revalidatePath("/certificates");
    return { ok: true, message: `HSM key "${values.label}" registered. Only its reference and public key are stored.` };
  } catch (error) {
    return failure(error, values);
  }
}
