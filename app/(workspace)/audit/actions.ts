"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { readSettings } from "@/lib/config/settings";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { createCheckpoint } from "@/lib/audit/checkpoints";
import { siemKeyFromEnvironment } from "@/lib/audit/siem-secret";
import { configureSiem, disableSiem, sendSiemTestEvent } from "@/lib/audit/siem-settings";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { failure, formValues, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";
import { requireOrgPermission } from "@/app/_server/session";

const siemFormSchema = z.object({
  url: z.string().max(2000, "That address is too long."),
  secret: z.string().max(256, "A webhook secret must be at most 256 characters long."),
  newSecret: z.boolean(),
});

export async function configureSiemAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["url"]);
  try {
    const { ctx } = await requireOrgPermission("settings.manage");
    const input = siemFormSchema.parse({
      url: values.url,
      secret: String(form.get("secret") ?? ""),
      newSecret: form.get("newSecret") === "on",
    });
    const { generatedSecret } = await configureSiem(
      await getDb(),
      ctx,
      input,
      siemKeyFromEnvironment(),
      { allowHttp: readSettings().siemAllowHttp, outboundAllow: readSettings().outboundAllow },
      await requestMeta(),
    );
    revalidatePath("/audit");
    return generatedSecret === null
      ? { ok: true, message: "SIEM forwarding saved. Each new audit entry is sent to the webhook." }
      : {
          ok: true,
          message: "SIEM forwarding saved. Copy the webhook secret now: it is shown only once.",
          reveal: generatedSecret,
        };
  } catch (error) {
    return failure(error, values);
  }
}

export async function disableSiemAction(_previous: ActionState): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("settings.manage");
    await disableSiem(await getDb(), ctx, await requestMeta());
    revalidatePath("/audit");
    return { ok: true, message: "SIEM forwarding is off. Entries not yet delivered go out if you turn it on again." };
  } catch (error) {
    return failure(error);
  }
}

export async function sendSiemTestAction(_previous: ActionState): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("settings.manage");
    const result = await sendSiemTestEvent(await getDb(), ctx, siemKeyFromEnvironment(), {
      outbound: { allow: readSettings().outboundAllow },
    });
    return result.ok
      ? { ok: true, message: `Test event delivered (HTTP ${result.status}).` }
      : { error: `The test event was not delivered: ${result.error}.` };
  } catch (error) {
    return failure(error);
  }
}

export async function signCheckpointAction(_previous: ActionState): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("audit.view");
    const checkpoint = await createCheckpoint(await getDb(), await processMasterKey(), chainIdFor(ctx.orgId), {
      actorId: ctx.userId,
      request: await requestMeta(),
    });
    revalidatePath("/audit");
    return { ok: true, message: `Checkpoint signed at entry ${checkpoint.seq}.` };
  } catch (error) {
    return failure(error);
  }
}
