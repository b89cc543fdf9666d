"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { createPlatformKey, platformKeyInputSchema } from "@/lib/custody/platform-keys";
import { registerKmsKey } from "@/lib/custody/register-kms-key";
import { setSelfSignedPolicy } from "@/lib/custody/list-keys";
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
    const { description } = await registerKmsKey(await getDb(), ctx, { label: values.label ?? "", keyId: values.keyId ?? "", region: values.region, roleArn: values.roleArn, externalId: values.externalId }, await requestMeta(), {
      endpoint: process.env.SIGNET_AWS_KMS_ENDPOINT || undefined,
    });
    revalidatePath("/certificates");
    return { ok: true, message: `AWS KMS key registered: ${description.keyArn} (${description.keySpec}). Only its reference and public key are stored.` };
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
    return { ok: true, message: allow ? "Testing policy on: self-signed certificates may be enrolled and will be marked as testing." : "Testing policy off: only CA-issued certificates may be enrolled." };
  } catch (error) {
    return failure(error);
  }
}
