/**
 * One KMS call: runs it under the connection's total deadline (an AbortSignal
 * handed to the SDK, so retries stop too) and turns any failure into a KmsError.
 */
import { kmsTimeouts, type AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import type { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { toKmsError, type KmsErrorContext } from "@/lib/engine/keys/aws-kms/map-kms-error";

export async function kmsCall<T>(
  connection: AwsKmsConnection,
  context: Omit<KmsErrorContext, "timeoutMs" | "endpoint">,
  run: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeouts = kmsTimeouts(connection);
  const deadline = AbortSignal.timeout(timeouts.totalMs);
  try {
    return await run(deadline);
  } catch (error) {
    const mapped: KmsError = toKmsError(error, {
      ...context,
      endpoint: connection.endpoint,
      timeoutMs: deadline.aborted ? timeouts.totalMs : timeouts.attemptMs,
    });
    throw mapped;
  }
}
