import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { describeAwsKmsKey, type AwsKmsKeyDescription } from "@/lib/engine/keys/aws-kms";
import { KmsError } from "@/lib/engine/keys/aws-kms";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms";
import { assertLabelFree, keyLabelSchema } from "@/lib/custody/platform-keys";
import { createSigningKeyRecord } from "@/lib/custody/signing-key-record";

export const kmsKeyInputSchema = z.object({
  label: keyLabelSchema,
  keyId: z.string().trim().min(1, "Enter the KMS key id, key ARN or alias.").max(2048),
  region: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "Enter an AWS region such as eu-west-1.")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  roleArn: z
    .string()
    .trim()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
      "Enter an IAM role ARN such as arn:aws:iam::123456789012:role/SignetSigning.",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  externalId: z
    .string()
    .trim()
    .max(1224)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/**
 * Registers a customer's AWS KMS key: DescribeKey and GetPublicKey through the customer's
 * grant, then only the reference and the public key are stored. A refusal from AWS is audited
 * (in its own transaction, since nothing else is written) and rethrown with its message.
 */
export async function registerKmsKey(
  db: Db,
  ctx: OrgContext,
  input: z.input<typeof kmsKeyInputSchema>,
  request: RequestMeta,
  /** Endpoint, credentials and timeouts (default: the SDK's credential chain and AWS's endpoints). */
  connection: Omit<Partial<AwsKmsConnection>, "region" | "role"> = {},
): Promise<{ keyId: string; description: AwsKmsKeyDescription }> {
  const parsed = kmsKeyInputSchema.parse(input);
  await assertLabelFree(db, ctx.orgId, parsed.label);
  const role = parsed.roleArn === undefined ? undefined : { roleArn: parsed.roleArn, externalId: parsed.externalId };
  let description: AwsKmsKeyDescription;
  try {
    description = await describeAwsKmsKey({ ...connection, keyId: parsed.keyId, region: parsed.region, role });
  } catch (error) {
    if (error instanceof KmsError) {
      await db.$transaction((tx) =>
        appendAudit(tx, {
          orgId: ctx.orgId,
          actorId: ctx.userId,
          action: "key.registration_failed",
          subjectType: "signing_key",
          data: {
            backend: "AWS_KMS",
            kmsKey: parsed.keyId,
            region: error.region,
            code: error.code,
            awsError: error.awsErrorName ?? null,
            awsRequestId: error.awsRequestId ?? null,
          },
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
      spki: description.publicKey,
      reference: {
        backend: "AWS_KMS",
        kmsKeyArn: description.keyArn,
        kmsRegion: description.region,
        kmsRoleArn: parsed.roleArn,
        kmsExternalId: parsed.externalId,
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "key.registered",
      subjectType: "signing_key",
      subjectId: keyId,
      data: {
        label: parsed.label,
        backend: "AWS_KMS",
        kmsKeyArn: description.keyArn,
        region: description.region,
        keySpec: description.keySpec,
        publicKeySha256,
        roleArn: parsed.roleArn ?? null,
      },
      request,
    });
  });
  return { keyId, description };
}
