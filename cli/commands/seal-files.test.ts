import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOriginalDigest } from "@/lib/engine/seal";
import { OutputFile, readInput } from "@/cli/commands/seal-files";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-seal-files-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const partials = () => fs.readdirSync(dir).filter((name) => name.endsWith(".partial"));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("readInput and OutputFile", () => {
  it("reads a file of several pieces once: its bytes, their digest, and a copy followed by the update", async () => {
    // 9 MiB and a few bytes: three pieces of 4 MiB, the last one short.
    const content = randomBytes(9 * 1024 * 1024 + 17);
    const input = path.join(dir, "large.bin");
    fs.writeFileSync(input, content, { mode: 0o640 });
    fs.chmodSync(input, 0o640);
    const destination = path.join(dir, "large-out.bin");
    const output = await OutputFile.create(destination);
    const digest = startOriginalDigest("SHA-256");
    const { bytes, mode } = await readInput(input, { digest, output });
    expect(Buffer.from(bytes).equals(content)).toBe(true);
    expect(digest.length).toBe(content.length);
    expect(digest.fork().digest("hex")).toBe(sha256(content));
    expect(fs.existsSync(destination)).toBe(false);
    const update = Buffer.from("\nthe update\n");
    output.write(update, bytes.length);
    await output.commit(mode);
    expect(fs.readFileSync(destination).equals(Buffer.concat([content, update]))).toBe(true);
    expect(fs.statSync(destination).mode & 0o777).toBe(0o640);
    expect(partials()).toEqual([]);
  });

  it("replaces an existing destination only on commit; discard leaves it as it was and removes the temporary file", async () => {
    const destination = path.join(dir, "existing.bin");
    fs.writeFileSync(destination, "the previous output");
    const input = path.join(dir, "small.bin");
    fs.writeFileSync(input, "some input bytes");
    const output = await OutputFile.create(destination);
    expect(partials()).toHaveLength(1);
    await readInput(input, { digest: startOriginalDigest(), output });
    output.write(Buffer.from(" and more"), 16);
    await output.discard();
    expect(fs.readFileSync(destination, "utf8")).toBe("the previous output");
    expect(partials()).toEqual([]);

    const again = await OutputFile.create(destination);
    await readInput(input, { digest: startOriginalDigest(), output: again });
    again.write(Buffer.from(" and more"), 16);
    await again.commit();
    expect(fs.readFileSync(destination, "utf8")).toBe("some input bytes and more");
    expect(partials()).toEqual([]);
  });

  it("reads a pipe to its end", async () => {
    const fifo = path.join(dir, "pipe");
    const made = spawn("mkfifo", [fifo]);
    await new Promise((resolve) => made.on("close", resolve));
    const content = randomBytes(300_000);
    const writing = fs.promises.writeFile(fifo, content);
    const digest = startOriginalDigest("SHA-384");
    const { bytes } = await readInput(fifo, { digest });
    await writing;
    expect(Buffer.from(bytes).equals(content)).toBe(true);
    expect(digest.fork().digest("hex")).toBe(createHash("sha384").update(content).digest("hex"));
  });

  it("names the file it cannot read or write, with a typed error", async () => {
    const missing = path.join(dir, "missing.pdf");
    await expect(readInput(missing, { digest: startOriginalDigest() })).rejects.toMatchObject({
      code: "cli.input",
      message: expect.stringContaining(`${missing}: ENOENT`),
    });
    const nowhere = path.join(dir, "no-such-folder", "out.pdf");
    await expect(OutputFile.create(nowhere)).rejects.toMatchObject({
      code: "cli.output",
      message: expect.stringContaining(`cannot write ${nowhere}: ENOENT`),
    });
  });
});
