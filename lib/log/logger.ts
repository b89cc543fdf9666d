import pino from "pino";

/**
 * The one logger. Secrets never go through it: log ids and fingerprints, never keys,
 * passwords, tokens or document contents. The redact list is a safety net, not a licence.
 */
export const log = pino({
  level: process.env.SIGNET_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "signet" },
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
});
