import type { KeyBackend } from "@/lib/engine/keys";
import { errorCode, signetMetrics, type BackendLabel, type SignetMetrics } from "@/lib/metrics/signet-metrics";

/** Counts a key backend's failure under its custody and error code. */
export function recordKeyBackendError(label: BackendLabel, error: unknown, metrics = signetMetrics()): void {
  metrics.keyBackendErrors.inc({ backend: label, code: errorCode(error) });
}

/**
 * A key backend whose signatures are timed and whose failures are counted (GET /metrics), by
 * custody. The engine stays unaware of it: the service hands the engine this wrapper, which
 * passes every call through unchanged.
 */
export function measuredKeyBackend(
  backend: KeyBackend,
  label: BackendLabel,
  metrics: SignetMetrics = signetMetrics(),
): KeyBackend {
  const failed = (error: unknown): never => {
    recordKeyBackendError(label, error, metrics);
    throw error;
  };
  const close = backend.close;
  return {
    description: backend.description,
    keyAlgorithm: () => backend.keyAlgorithm().catch(failed),
    publicKey: () => backend.publicKey().catch(failed),
    async sign(request) {
      const done = metrics.signSeconds.startTimer({ backend: label });
      try {
        return await backend.sign(request);
      } catch (error) {
        return failed(error);
      } finally {
        done();
      }
    },
    ...(close === undefined ? {} : { close: () => close.call(backend) }),
  };
}
