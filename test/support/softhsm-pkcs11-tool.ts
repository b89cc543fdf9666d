/**
 * OpenSC's pkcs11-tool against the test SoftHSM2, in a child process: to create
 * keys the way an administrator would (--keypairgen), to change a token behind a
 * backend's back, and to read object attributes with a tool independent of ours.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { requireTool, type ToolAvailability, type SoftHsm, type SoftHsmToken } from "@/test/support/softhsm-token";

const run = promisify(execFile);

let checked: ToolAvailability | undefined;

export function pkcs11ToolAvailability(): ToolAvailability {
  checked ??= requireTool(
    "pkcs11-tool (OpenSC)",
    !spawnSync("pkcs11-tool", ["--help"], { stdio: "ignore" }).error,
    "apt-get install opensc",
  );
  return checked;
}

/** `pkcs11-tool --module M --token-label L --login --pin P …args`; stdout. pkcs11-tool matches --token-label as a prefix: give tokens labels that are not prefixes of each other. */
export async function pkcs11Tool(hsm: SoftHsm, token: SoftHsmToken, args: readonly string[]): Promise<string> {
  const { stdout } = await run(
    "pkcs11-tool",
    ["--module", hsm.modulePath, "--token-label", token.label, "--login", "--pin", token.userPin, ...args],
    {
      env: hsm.env,
    },
  );
  return stdout;
}

/** `--keypairgen --key-type rsa:2048 | EC:prime256v1 …`, as an administrator would make a key. */
export async function pkcs11ToolKeypairgen(
  hsm: SoftHsm,
  token: SoftHsmToken,
  options: {
    keyType: string;
    label: string;
    id: string;
    usage?: readonly ("sign" | "decrypt" | "derive")[];
    extraArgs?: readonly string[];
  },
): Promise<void> {
  const usage = (options.usage ?? []).map((u) => `--usage-${u}`);
  await pkcs11Tool(hsm, token, [
    "--keypairgen",
    "--key-type",
    options.keyType,
    "--label",
    options.label,
    "--id",
    options.id,
    ...usage,
    ...(options.extraArgs ?? []),
  ]);
}

/** The "Private Key Object" block of `--list-objects` for a key id (attributes as pkcs11-tool reads them), or undefined. */
export async function pkcs11ToolPrivateKeyListing(
  hsm: SoftHsm,
  token: SoftHsmToken,
  id: string,
): Promise<string | undefined> {
  const out = await pkcs11Tool(hsm, token, ["--list-objects", "--type", "privkey"]);
  return out
    .split(/^(?=\S)/m)
    .find((block) => block.startsWith("Private Key Object") && new RegExp(`^\\s*ID:\\s*${id}\\s*$`, "mi").test(block));
}
