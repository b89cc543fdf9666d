import pino, { type DestinationStream, type Level, type Logger } from "pino";
import { currentRequestId } from "@/lib/log/request-context";

export type { Logger } from "pino";

/** The level `SIGNET_LOG_LEVEL` asks for; silent under tests unless it says otherwise. */
function configuredLevel(): Level | "silent" {
  return (process.env.SIGNET_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info")) as Level | "silent";
}

/**
 * A logger configured as Signet's: JSON lines, `app: "signet"`, the redact list, and the id of
 * the request being handled (lib/log/request-context) on every line logged while handling it.
 *
 * By default it writes to file descriptor 1 itself (sonic-boom), never through process.stdout or
 * console: those are routed into the logger (lib/log/console-to-log), and a logger made after
 * that must not write through them, or its lines would come back round as text. (pino would pick
 * process.stdout on its own once process.stdout.write has been replaced.)
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? configuredLevel(),
      base: { app: "signet" },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
      redact: {
        paths: [
          "password",
          "*.password",
          "secret",
          "*.secret",
          "token",
          "*.token",
          "privateKey",
          "*.privateKey",
          "passwordHash",
          "*.passwordHash",
        ],
        censor: "[redacted]",
      },
    },
    options.destination ?? pino.destination({ dest: 1 }),
  );
}

/**
 * The one logger. Secrets never go through it: log ids and fingerprints, never keys,
 * passwords, tokens or document contents. The redact list is a safety net, not a licence.
 */
export const log: Logger = createLogger();
