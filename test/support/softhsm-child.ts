/**
 * Raw PKCS#11 against the test token from another process, straight through
 * pkcs11js (not through Signet's backend): another application on the same
 * token. Used to try to extract a private key, and to create keys with
 * attributes pkcs11-tool cannot set (CKA_SIGN false, CKA_ALLOWED_MECHANISMS).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { SoftHsm, SoftHsmToken } from "@/test/support/softhsm-token";

const run = promisify(execFile);

const PRELUDE = `
const p = require("pkcs11js");
const [modulePath, label, pin, input] = process.argv.slice(1);
const args = JSON.parse(input);
const m = new p.PKCS11();
m.load(modulePath);
m.C_Initialize();
const out = {};
const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trim() === label);
const session = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
m.C_Login(session, p.CKU_USER, pin);
`;

async function runChild(
  hsm: SoftHsm,
  token: SoftHsmToken,
  body: string,
  args: unknown,
): Promise<Record<string, string>> {
  const script = `${PRELUDE}try {\n${body}\n} finally { m.C_Finalize(); }\nprocess.stdout.write(JSON.stringify(out));`;
  const { stdout } = await run(
    process.execPath,
    ["-e", script, hsm.modulePath, token.label, token.userPin, JSON.stringify(args)],
    {
      env: hsm.env,
      cwd: process.cwd(),
    },
  );
  return JSON.parse(stdout) as Record<string, string>;
}

const EXTRACT = `
const attempt = (name, fn) => { try { fn(); out[name] = "revealed"; } catch (e) { out[name] = e.message; } };
m.C_FindObjectsInit(session, [{ type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY }, { type: p.CKA_ID, value: Buffer.from(args.id, "hex") }]);
const [key] = m.C_FindObjects(session, 2);
m.C_FindObjectsFinal(session);
attempt("CKA_PRIVATE_EXPONENT", () => m.C_GetAttributeValue(session, key, [{ type: p.CKA_PRIVATE_EXPONENT }]));
attempt("CKA_VALUE", () => m.C_GetAttributeValue(session, key, [{ type: p.CKA_VALUE }]));
const wrapping = m.C_GenerateKey(session, { mechanism: p.CKM_AES_KEY_GEN }, [
  { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY }, { type: p.CKA_KEY_TYPE, value: p.CKK_AES }, { type: p.CKA_VALUE_LEN, value: 32 },
  { type: p.CKA_TOKEN, value: false }, { type: p.CKA_WRAP, value: true }, { type: p.CKA_EXTRACTABLE, value: true },
]);
attempt("C_WrapKey", () => m.C_WrapKey(session, { mechanism: p.CKM_AES_KEY_WRAP_PAD }, wrapping, key, Buffer.alloc(8192)));
`;

/**
 * Asks the token for the private key with this CKA_ID: CKA_PRIVATE_EXPONENT (RSA),
 * CKA_VALUE (EC) and C_WrapKey under a fresh AES key. Each entry is "revealed" or
 * the CKR_* the token answered.
 */
export function tryToExtractPrivateKey(
  hsm: SoftHsm,
  token: SoftHsmToken,
  idHex: string,
): Promise<Record<string, string>> {
  return runChild(hsm, token, EXTRACT, { id: idHex });
}

const GENERATE = `
const common = [{ type: p.CKA_TOKEN, value: true }, { type: p.CKA_LABEL, value: args.label }, { type: p.CKA_ID, value: Buffer.from(args.id, "hex") }];
const priv = [...common, { type: p.CKA_PRIVATE, value: true }, { type: p.CKA_SENSITIVE, value: true }, { type: p.CKA_SIGN, value: args.sign }];
if (args.allowedMechanisms) {
  const list = Buffer.alloc(8 * args.allowedMechanisms.length);
  args.allowedMechanisms.forEach((mech, i) => list.writeBigUInt64LE(BigInt(mech), 8 * i));
  priv.push({ type: p.CKA_ALLOWED_MECHANISMS, value: list });
}
m.C_GenerateKeyPair(session, { mechanism: p.CKM_RSA_PKCS_KEY_PAIR_GEN },
  [...common, { type: p.CKA_VERIFY, value: true }, { type: p.CKA_MODULUS_BITS, value: 2048 }, { type: p.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }],
  priv);
out.ok = "generated";
`;

/** An RSA 2048 key pair with the given CKA_SIGN and, if given, CKA_ALLOWED_MECHANISMS on the private key. */
export async function generateRsaKeyRaw(
  hsm: SoftHsm,
  token: SoftHsmToken,
  options: { label: string; id: string; sign: boolean; allowedMechanisms?: readonly number[] },
): Promise<void> {
  await runChild(hsm, token, GENERATE, options);
}
