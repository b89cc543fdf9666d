import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "@/lib/config/config-error";
import type { Env, Settings } from "@/lib/config/settings";

export type SecretSpec = {
  /** Environment variable that may give the secret. */
  envVar: string;
  /** File name under <data dir>/secrets when generated. */
  fileName: string;
  /** Random bytes to generate (base64-encoded into the file). */
  bytes: number;
};

export const AUTH_SECRET: SecretSpec = { envVar: "AUTH_SECRET", fileName: "auth-secret", bytes: 32 };
export const MASTER_KEY: SecretSpec = { envVar: "SIGNET_MASTER_KEY", fileName: "master-key", bytes: 32 };

export type ResolvedSecret = { value: string; source: "environment" | "file"; generated: boolean; file?: string };

/**
 * The environment wins, then a file named by <VAR>_FILE. Otherwise the secret lives in <data dir>/secrets/<file>, mode 0600,
 * created on first use — except in production on an external database, where a generated
 * secret would silently differ between instances, so start-up stops instead.
 */
export function resolveSecret(spec: SecretSpec, settings: Settings, env: Env = process.env): ResolvedSecret {
  const fromEnv = env[spec.envVar];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "environment", generated: false };
  // <VAR>_FILE: a file the operator mounts (a container secret, say), read as given.
  const givenFile = env[`${spec.envVar}_FILE`];
  if (givenFile !== undefined && givenFile !== "") {
    if (!fs.existsSync(givenFile))
      throw new ConfigError(`${spec.envVar}_FILE points at ${givenFile}, which does not exist.`);
    const value = fs.readFileSync(givenFile, "utf8").trim();
    if (value === "") throw new ConfigError(`${spec.envVar}_FILE points at ${givenFile}, which is empty.`);
    return { value, source: "file", generated: false, file: givenFile };
  }

  if (settings.nodeEnv === "production" && settings.databaseUrl !== undefined) {
    throw new ConfigError(
      `${spec.envVar} is not set. In production with DATABASE_URL, every instance must share the same ${spec.envVar}: ` +
        `set it in the environment (for example: openssl rand -base64 ${spec.bytes}).`,
    );
  }

  const dir = path.join(settings.dataDir, "secrets");
  const file = path.join(dir, spec.fileName);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeSync(fd, randomBytes(spec.bytes).toString("base64") + "\n");
    } finally {
      fs.closeSync(fd);
    }
    return { value: readSecretFile(file, spec), source: "file", generated: true, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { value: readSecretFile(file, spec), source: "file", generated: false, file };
  }
}

function readSecretFile(file: string, spec: SecretSpec): string {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `${file} holds ${spec.envVar} but is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${file}`,
    );
  }
  const value = fs.readFileSync(file, "utf8").trim();
  if (value === "")
    throw new ConfigError(`${file} is empty. Delete it to have ${spec.envVar} generated again, or set ${spec.envVar}.`);
  return value;
}
