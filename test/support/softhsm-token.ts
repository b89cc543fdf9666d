/**
 * SoftHSM2 for tests: a token directory in a temporary directory of this process
 * (a softhsm2.conf naming it, exported as SOFTHSM2_CONF before the library is
 * first initialised, so child processes such as softhsm2-util and pkcs11-tool see
 * the same tokens), and tokens initialised in it with `softhsm2-util --init-token`.
 *
 * When SoftHSM2 is not installed the PKCS#11 tests skip with a loud banner, except
 * under CI (CI=true or 1), where .ci/run installs it and its absence is a failure.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const MODULE_CANDIDATES = [
  "/usr/lib/softhsm/libsofthsm2.so", // Debian, Ubuntu
  "/usr/lib64/pkcs11/libsofthsm2.so", // Fedora, RHEL
  "/usr/lib/pkcs11/libsofthsm2.so",
  "/usr/local/lib/softhsm/libsofthsm2.so", // source builds
  "/opt/homebrew/lib/softhsm/libsofthsm2.so", // macOS Homebrew
];

/** The SoftHSM2 PKCS#11 library, or undefined. */
export function findSoftHsmModule(): string | undefined {
  const multiarch = (() => {
    try {
      return readdirSync("/usr/lib", { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name.endsWith("-linux-gnu"))
        .map((entry) => path.join("/usr/lib", entry.name, "softhsm", "libsofthsm2.so"));
    } catch {
      return [];
    }
  })();
  return [...MODULE_CANDIDATES, ...multiarch].find((candidate) => existsSync(candidate));
}

function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return !result.error;
}

export const isCi = process.env.CI === "true" || process.env.CI === "1";

export type ToolAvailability = { available: true } | { available: false; reason: string };

/**
 * Whether a tool the PKCS#11 tests need is installed. Missing under CI: throws
 * (the test file fails). Missing elsewhere: prints a loud banner and reports it,
 * for `describe.skipIf`.
 */
export function requireTool(what: string, present: boolean, install: string): ToolAvailability {
  if (present) return { available: true };
  const reason = `${what} is not installed (${install})`;
  if (isCi)
    throw new Error(`PKCS#11 tests cannot run under CI: ${reason}. .ci/run installs it; the CI image is broken.`);
  const banner = `!!! PKCS#11 TESTS SKIPPED: ${reason} !!!`;
  console.warn(`\n${"!".repeat(banner.length)}\n${banner}\n${"!".repeat(banner.length)}\n`);
  return { available: false, reason };
}

let softHsmChecked: ToolAvailability | undefined;

/** SoftHSM2 (softhsm2-util and its library) present? See requireTool for CI. */
export function softHsmAvailability(): ToolAvailability {
  softHsmChecked ??= requireTool(
    "SoftHSM2",
    hasCommand("softhsm2-util", ["--version"]) && findSoftHsmModule() !== undefined,
    "apt-get install softhsm2",
  );
  return softHsmChecked;
}

export interface SoftHsmToken {
  label: string;
  soPin: string;
  userPin: string;
}

export interface SoftHsm {
  /** The temporary directory (tokens/ and softhsm2.conf). */
  dir: string;
  confPath: string;
  modulePath: string;
  /** process.env with SOFTHSM2_CONF, for child processes. */
  env: NodeJS.ProcessEnv;
  /**
   * A new, initialised token with random PINs. SoftHSM lists the slots it found
   * when the library was initialised: create tokens before opening backends, or
   * after every backend of the process has been closed (the library is then
   * finalised and will rescan).
   */
  initToken(label?: string): Promise<SoftHsmToken>;
}

let instance: SoftHsm | undefined;

/**
 * Removes this process's token directory; call it in afterAll, after closing every
 * backend (vitest may end a worker without an "exit" event, so the exit hook alone
 * leaks directories). A later getSoftHsm() starts afresh.
 */
export function disposeSoftHsm(): void {
  if (!instance) return;
  rmSync(instance.dir, { recursive: true, force: true });
  instance = undefined;
}

/** This process's SoftHSM2 set-up (created on first call). Call softHsmAvailability() first. */
export function getSoftHsm(): SoftHsm {
  if (instance) return instance;
  const modulePath = findSoftHsmModule();
  if (!modulePath) throw new Error("SoftHSM2 is not installed (apt-get install softhsm2).");
  const dir = mkdtempSync(path.join(tmpdir(), "signet-softhsm-"));
  const tokens = path.join(dir, "tokens");
  mkdirSync(tokens);
  const confPath = path.join(dir, "softhsm2.conf");
  writeFileSync(
    confPath,
    [
      `directories.tokendir = ${tokens}`,
      "objectstore.backend = file",
      "log.level = ERROR",
      "slots.removable = false",
      "",
    ].join("\n"),
  );
  // Before the library is initialised in this process: SoftHSM reads it in C_Initialize.
  process.env.SOFTHSM2_CONF = confPath;
  process.once("exit", () => rmSync(dir, { recursive: true, force: true })); // fallback for disposeSoftHsm()
  const env = { ...process.env, SOFTHSM2_CONF: confPath };
  instance = {
    dir,
    confPath,
    modulePath,
    env,
    async initToken(label = `signet-${randomBytes(4).toString("hex")}`) {
      const token: SoftHsmToken = {
        label,
        soPin: randomBytes(8).toString("hex"),
        userPin: `pin-${randomBytes(6).toString("hex")}`,
      };
      await run(
        "softhsm2-util",
        ["--init-token", "--free", "--label", label, "--so-pin", token.soPin, "--pin", token.userPin],
        { env },
      );
      return token;
    },
  };
  return instance;
}
