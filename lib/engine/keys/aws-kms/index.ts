export { AwsKmsKeyBackend, type AwsKmsKeyBackendOptions } from "@/lib/engine/keys/aws-kms/aws-kms-key-backend";
export {
  describeAwsKmsKey,
  type AwsKmsKeyDescription,
  type AwsKmsKeyInput,
} from "@/lib/engine/keys/aws-kms/describe-aws-kms-key";
export {
  DEFAULT_KMS_TIMEOUTS,
  type AwsKmsConnection,
  type AwsKmsRole,
  type AwsStaticCredentials,
  type KmsTimeouts,
} from "@/lib/engine/keys/aws-kms/kms-client";
export { KmsError, type KmsErrorCode, type KmsOperation } from "@/lib/engine/keys/aws-kms/kms-errors";
export { parseKmsKeyReference, isAwsRegion, type KmsKeyReference } from "@/lib/engine/keys/aws-kms/kms-key-reference";
export {
  SUPPORTED_KEY_SPECS,
  kmsHashesFor,
  kmsSigningAlgorithm,
  type SupportedKeySpec,
} from "@/lib/engine/keys/aws-kms/kms-key-spec";
export { AwsKmsMasterKey } from "@/lib/engine/keys/aws-kms/aws-kms-master-key";
