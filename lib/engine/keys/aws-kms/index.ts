export { AwsKmsKeyBackend, type AwsKmsKeyBackendOptions } from "./aws-kms-key-backend";
export { describeAwsKmsKey, type AwsKmsKeyDescription, type AwsKmsKeyInput } from "./describe-aws-kms-key";
export { DEFAULT_KMS_TIMEOUTS, type AwsKmsConnection, type AwsKmsRole, type AwsStaticCredentials, type KmsTimeouts } from "./kms-client";
export { KmsError, type KmsErrorCode, type KmsOperation } from "./kms-errors";
export { parseKmsKeyReference, isAwsRegion, type KmsKeyReference } from "./kms-key-reference";
export { SUPPORTED_KEY_SPECS, kmsHashesFor, kmsSigningAlgorithm, type SupportedKeySpec } from "./kms-key-spec";
export { AwsKmsMasterKey } from "./aws-kms-master-key";
