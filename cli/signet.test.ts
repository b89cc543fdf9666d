/**
 * The `signet` command line: version, help for every command and option, `-` for stdin and stdout.
 * Run in-process (cli/main.ts on buffers, as the process runs it on its streams), except one smoke
 * test that starts `signet` as an operator would: bare, --version, and seal - --out - | verify -.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runSignet as runSignetProcess,
  runSignetBinary as runSignetProcessBinary,
  runSignetInProcess as runSignet,
  runSignetInProcessBinary as runSignetBinary,
} from "@/test/support/run-signet-cli";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { PDF_CORPUS_DIR } from "@/test/support/shared-dir";
import { AUDIT_VERIFY_OPTIONS, CHECKPOINT_CREATE_OPTIONS, CHECKPOINT_VERIFY_OPTIONS } from "@/cli/commands/audit";
import { REWRAP_OPTIONS } from "@/cli/commands/keys";
import { APPROVALS_OPTIONS } from "@/cli/commands/org";
import { SEAL_OPTIONS } from "@/cli/commands/seal";
import { VERIFY_OPTIONS } from "@/cli/commands/verify";

const INPUT = path.join(PDF_CORPUS_DIR, "p06-reportlab-simple.pdf");
let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await getTestPki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-cli-"));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** seal - --out - then verify -: what each side of the pipe must show (in the smoke test and in-process). */
async function sealAndVerifyThroughPipes(run: typeof runSignetProcessBinary): Promise<void> {
  const leaf = await pki.leaf("rsa2048");
  const chain = path.join(dir, "chain.pem");
  fs.writeFileSync(chain, pki.chainPem);
  const input = fs.readFileSync(INPUT);
  const sealed = await run(
    ["seal", "-", "--out", "-", "--key", leaf.keyPath, "--cert", leaf.certPath, "--chain", chain],
    { input },
  );
  expect(sealed.status, sealed.stderr).toBe(0);
  expect(sealed.stdout.subarray(0, input.length).equals(input)).toBe(true);
  expect(sealed.stdout.length).toBeGreaterThan(input.length);
  expect(sealed.stdout.subarray(sealed.stdout.length - 6).toString("latin1")).toMatch(/%%EOF\s*$/);
  expect(sealed.stderr).toMatch(/^sealed standard input → standard output \(field Signet-Seal-1/);

  const verified = await run(["verify", "-", "--trust", pki.root.certPath], { input: sealed.stdout });
  expect(verified.status, verified.stderr).toBe(0);
  expect(verified.stdout.toString("utf8")).toMatch(/^\(standard input\): VALID: /);
}

describe("signet as a process (the one spawned smoke test)", () => {
  it("bare `signet`, --version, and seal - --out - | verify - through the process's own streams", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as {
      version: string;
    };
    const versioned = await runSignetProcess(["--version"]);
    expect(versioned.status).toBe(0);
    expect(versioned.stdout).toBe(`signet ${version}\n`);
    const bare = await runSignetProcess([]);
    expect(bare.status).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toBe((await runSignet([])).stderr);
    await sealAndVerifyThroughPipes(runSignetProcessBinary);
  });
});

describe("signet: version and help", () => {
  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as {
      version: string;
    };
    const result = await runSignet(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`signet ${version}\n`);
  });

  it("a bare `signet` prints the help on stderr and exits 2; --help prints it on stdout and exits 0", async () => {
    const bare = await runSignet([]);
    expect(bare.status).toBe(2);
    expect(bare.stdout).toBe("");
    for (const name of ["seal", "verify", "audit", "keys", "org"])
      expect(bare.stderr).toMatch(new RegExp(`^  ${name} +\\S.*$`, "m"));
    expect(bare.stderr).toContain("signet --version");
    const help = await runSignet(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(bare.stderr);
    const unknown = await runSignet(["nonsense"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^signet: unknown command "nonsense"\n/);
  });

  const COMMANDS: [string[], Record<string, unknown>[]][] = [
    [["seal"], [SEAL_OPTIONS]],
    [["verify"], [VERIFY_OPTIONS]],
    [["audit"], [AUDIT_VERIFY_OPTIONS, CHECKPOINT_CREATE_OPTIONS, CHECKPOINT_VERIFY_OPTIONS]],
    [["audit", "verify"], [AUDIT_VERIFY_OPTIONS]],
    [["audit", "checkpoint", "verify"], [CHECKPOINT_VERIFY_OPTIONS]],
    [["keys"], [REWRAP_OPTIONS]],
    [["keys", "rewrap"], [REWRAP_OPTIONS]],
    [["org"], [APPROVALS_OPTIONS]],
    [["org", "approvals"], [APPROVALS_OPTIONS]],
  ];
  it.each(COMMANDS)("signet %j --help describes every option, on stdout, exit 0", async (command, optionSets) => {
    const result = await runSignet([...command, "--help"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^usage: signet /);
    for (const options of optionSets) {
      for (const name of Object.keys(options)) {
        // Each option is named on a line of its own that says what it does.
        expect(result.stdout, `--${name}`).toMatch(new RegExp(`^ +(-\\w, )?--${name}\\b.*\\S{3,}`, "m"));
      }
    }
  });

  it("seal --help states the certificate requirements, the exit codes and `-`", async () => {
    const { stdout } = await runSignet(["seal", "--help"]);
    for (const requirement of [
      /digitalSignature/,
      /nonRepudiation/,
      /emailProtection/,
      /RSA .*2048/,
      /P-256, P-384 or P-521/,
      /--chain/,
      /intermediate/,
      /self-signed/i,
      /Exit codes?/i,
      /standard input/,
      /standard output/,
    ]) {
      expect(stdout).toMatch(requirement);
    }
  });
});

describe("signet seal refuses a certificate outside the profile its help describes", () => {
  it.each([
    ["no nonRepudiation", { keyUsage: "critical,digitalSignature" }, /nonRepudiation/],
    ["documentSigning only", { extendedKeyUsage: "1.3.6.1.5.5.7.3.36" }, /emailProtection/],
  ] as const)("%s: exit 1, the reason, nothing written", async (name, profile, reason) => {
    const leaf = await pki.issue({ name: `profile ${name}`, key: "ec256", ...profile });
    const out = path.join(dir, `profile-${name.replace(/\W+/g, "-")}.pdf`);
    const result = await runSignet(["seal", INPUT, "-o", out, "--key", leaf.keyPath, "--cert", leaf.certPath]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^signet seal: the certificate does not meet the signer profile: /);
    expect(result.stderr).toMatch(reason);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a self-signed certificate only with --allow-self-signed", async () => {
    const self = await pki.issue({ name: "self-signed signer", key: "ec256", issuer: "self" });
    const out = path.join(dir, "self.pdf");
    const refused = await runSignet(["seal", INPUT, "-o", out, "--key", self.keyPath, "--cert", self.certPath]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/self-signed.*--allow-self-signed/);
    const allowed = await runSignet([
      "seal",
      INPUT,
      "-o",
      out,
      "--key",
      self.keyPath,
      "--cert",
      self.certPath,
      "--allow-self-signed",
    ]);
    expect(allowed.status, allowed.stderr).toBe(0);
  });
});

describe("`-` for standard input and output", () => {
  it("seal - --out - reads the PDF from stdin and writes the sealed PDF to stdout; verify - reads it back", async () => {
    await sealAndVerifyThroughPipes(runSignetBinary);
  });

  it("seal - -o FILE and seal FILE --out - both work; a refused seal writes nothing to stdout", async () => {
    const leaf = await pki.leaf("ec256");
    const input = fs.readFileSync(INPUT);
    const out = path.join(dir, "from-stdin.pdf");
    const toFile = await runSignetBinary(["seal", "-", "-o", out, "--key", leaf.keyPath, "--cert", leaf.certPath], {
      input,
    });
    expect(toFile.status, toFile.stderr).toBe(0);
    expect(toFile.stdout.toString("utf8")).toMatch(/^sealed standard input → .*from-stdin\.pdf \(field Signet-Seal-1/);
    expect(fs.readFileSync(out).subarray(0, input.length).equals(input)).toBe(true);

    const toStdout = await runSignetBinary([
      "seal",
      INPUT,
      "--out",
      "-",
      "--key",
      leaf.keyPath,
      "--cert",
      leaf.certPath,
    ]);
    expect(toStdout.status, toStdout.stderr).toBe(0);
    expect(toStdout.stdout.subarray(0, input.length).equals(input)).toBe(true);

    const refused = await runSignetBinary(["seal", "-", "--out", "-", "--key", leaf.keyPath, "--cert", leaf.certPath], {
      input: Buffer.from("not a pdf"),
    });
    expect(refused.status).toBe(1);
    expect(refused.stdout.length).toBe(0);
    expect(refused.stderr).toMatch(/^signet seal: .*not a PDF/i);
  });
});
