import { describe, expect, it } from "vitest";
import { parseKmsKeyReference } from "@/lib/engine/keys/aws-kms/kms-key-reference";

const id = "1234abcd-12ab-34cd-56ef-1234567890ab";

describe("parseKmsKeyReference", () => {
  it("accepts key ids, key ARNs, aliases and alias ARNs; an ARN brings its region", () => {
    expect(parseKmsKeyReference(id, "eu-west-1")).toEqual({ keyId: id, region: "eu-west-1", kind: "key-id" });
    expect(parseKmsKeyReference("mrk-1234abcd12ab34cd56ef1234567890ab", "us-east-2").kind).toBe("key-id");
    expect(parseKmsKeyReference(` arn:aws:kms:us-east-2:111122223333:key/${id} `)).toEqual({
      keyId: `arn:aws:kms:us-east-2:111122223333:key/${id}`,
      region: "us-east-2",
      kind: "key-arn",
      accountId: "111122223333",
    });
    expect(
      parseKmsKeyReference(`arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${id}`, "us-gov-west-1").region,
    ).toBe("us-gov-west-1");
    expect(parseKmsKeyReference("alias/Signet_Seal-1", "ap-southeast-2").kind).toBe("alias");
    expect(parseKmsKeyReference("arn:aws:kms:eu-central-1:111122223333:alias/signet").kind).toBe("alias-arn");
  });

  it("rejects what KMS would not take, with a message that shows the accepted forms", () => {
    const bad = (keyId: string, region?: string) => () => parseKmsKeyReference(keyId, region);
    expect(bad("not a key", "eu-west-1")).toThrow(/is not an AWS KMS key reference.*key id.*key ARN.*alias/);
    expect(bad(id)).toThrow(/Give the AWS region/);
    expect(bad(id, "Ireland")).toThrow(/is not an AWS region name/);
    expect(bad(`arn:aws:kms:us-east-2:111122223333:key/${id}`, "eu-west-1")).toThrow(
      /is in region us-east-2, not eu-west-1/,
    );
    expect(bad("arn:aws:kms:us-east-2:111122223333:key/not-a-key-id")).toThrow(/does not end in a KMS key id/);
    expect(bad(`arn:aws:iam::111122223333:role/${id}`)).toThrow(
      expect.objectContaining({ code: "kms.invalid_reference" }),
    );
  });
});
