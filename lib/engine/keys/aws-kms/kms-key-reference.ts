/**
 * How an organisation names its AWS KMS key: key id, key ARN, alias name or alias
 * ARN, plus a region. An ARN carries its own region (a different region given next
 * to it is an error). A key in another AWS account can only be named by ARN; KMS
 * itself enforces that.
 */
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";

export type KmsReferenceKind = "key-id" | "key-arn" | "alias" | "alias-arn";

export interface KmsKeyReference {
  /** As KMS's KeyId parameter takes it. */
  keyId: string;
  region: string;
  kind: KmsReferenceKind;
  /** From an ARN. */
  accountId?: string;
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function isAwsRegion(region: string): boolean {
  return REGION.test(region);
}

export function parseKmsKeyReference(keyId: string, region?: string): KmsKeyReference {
  const id = keyId.trim();
  const given = region?.trim() || undefined;
  const fail = (message: string): never => {
    throw new KmsError("kms.invalid_reference", message, { keyId: id, region: given ?? "" });
  };
  if (given !== undefined && !REGION.test(given)) fail(`"${given}" is not an AWS region name (for example eu-west-1).`);

  const arn = ARN.exec(id);
  if (arn) {
    const [, , arnRegion = "", accountId, type, rest = ""] = arn;
    if (!REGION.test(arnRegion)) fail(`The ARN ${id} does not name a valid AWS region.`);
    if (given !== undefined && given !== arnRegion) {
      fail(`The key ARN ${id} is in region ${arnRegion}, not ${given}. Leave the region empty or give ${arnRegion}.`);
    }
    if (type === "key" && !KEY_ID.test(rest)) fail(`The ARN ${id} does not end in a KMS key id.`);
    if (type === "alias" && !ALIAS.test(`alias/${rest}`)) fail(`The ARN ${id} does not end in a valid alias name.`);
    return { keyId: id, region: arnRegion, kind: type === "key" ? "key-arn" : "alias-arn", accountId };
  }

  const kind: KmsReferenceKind | undefined = KEY_ID.test(id) ? "key-id" : ALIAS.test(id) ? "alias" : undefined;
  if (!kind) {
    return fail(
      `"${id}" is not an AWS KMS key reference. Give a key id (1234abcd-12ab-34cd-56ef-1234567890ab), ` +
        "a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), an alias (alias/NAME) or an alias ARN.",
    );
  }
  if (given === undefined) return fail(`Give the AWS region of the KMS key ${id}, or name the key by its ARN.`);
  return { keyId: id, region: given, kind };
}
