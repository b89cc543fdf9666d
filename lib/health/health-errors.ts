import { SignetError } from "@/lib/engine/errors";

export type HealthErrorCode =
  | "health.database_unreachable"
  | "health.master_key_unusable"
  | "health.timeout"
  | "health.key_mismatch"
  | "health.backend_failed"
  | "health.document_store_unusable"
  | "health.jobs_unready";

/** Why a health check failed, in words safe for its audience: never a key, a PIN, an id of the master key or another organisation's reference. */
export class HealthError extends SignetError {
  declare readonly code: HealthErrorCode;
  constructor(code: HealthErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { status: 503, cause: options.cause });
  }
}

/** Runs `work`, failing with a HealthError when it takes longer than `ms` (the work itself is not cancelled). */
export async function withinMs<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HealthError("health.timeout", `${what} did not answer within ${Math.round(ms / 1000)} s.`)),
      ms,
    );
    timer.unref();
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
