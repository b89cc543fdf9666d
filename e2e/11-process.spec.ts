import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

// The process `npm start` runs, as an operator or a container runtime meets it: a real `npm start`
// in its own process group, on its own port and embedded database, stopped by a signal.
test.describe.configure({ mode: "serial" });

const root = path.resolve(import.meta.dirname, "..");
const PORT = 3190;

type Started = { npm: ChildProcess; output: () => string; dataDir: string };

async function startSignet(): Promise<Started> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-process-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    SIGNET_PUBLIC_URL: `http://localhost:${PORT}`,
    SIGNET_DATA_DIR: dataDir,
    SIGNET_LOG_LEVEL: "info",
    SIGNET_SHUTDOWN_GRACE_SECONDS: "20",
  };
  for (const name of ["DATABASE_URL", "AUTH_SECRET", "SIGNET_MASTER_KEY", "NODE_OPTIONS"]) delete env[name];
  // detached: its own process group, so that whatever it leaves behind can be found.
  const npm = spawn("npm", ["start"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  npm.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk));
  npm.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk));
  const output = () => Buffer.concat(chunks).toString("utf8");
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    const status = await fetch(`http://localhost:${PORT}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { npm, output, dataDir };
    if (Date.now() > deadline) throw new Error(`npm start did not answer:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

/** True while any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Opens a request whose body is only half sent: it is in flight until `finish()`. */
async function requestInFlight(): Promise<{ finish: () => void; response: Promise<string> }> {
  const body = Buffer.alloc(64 * 1024, 0x41);
  const socket = net.connect(PORT, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(
    `POST /api/v1/verify HTTP/1.1\r\nHost: localhost:${PORT}\r\nContent-Type: application/pdf\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, body.length / 2));
  const response = new Promise<string>((resolve) => {
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(received).toString("latin1")));
  });
  return { finish: () => socket.write(body.subarray(body.length / 2)), response };
}

const connects = () =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(PORT, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} to npm start: no new connections, the open request finishes, jobs and database stop, exit 0, nothing left behind`, async () => {
    test.setTimeout(240_000);
    const { npm, output, dataDir } = await startSignet();
    try {
      const open = await requestInFlight();
      process.kill(npm.pid!, signal);
      await expect.poll(connects, { timeout: 10_000 }).toBe(false);
      open.finish();
      const response = await open.response;
      expect(response).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(response).toMatch(/\r\nconnection: close\r\n/i);

      expect(await exited(npm)).toEqual({ code: 0, signal: null });
      await expect.poll(() => groupAlive(npm.pid!), { timeout: 5_000 }).toBe(false);
      const lines = output()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { msg?: string; signal?: string; steps?: string[] });
      expect(lines.find((line) => line.msg?.startsWith("stopping"))?.signal).toBe(signal);
      expect(lines.find((line) => line.msg === "stopped")?.steps).toEqual(["background jobs", "database"]);
    } finally {
      if (groupAlive(npm.pid!)) process.kill(-npm.pid!, "SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

test("the app tree the suite runs holds production dependencies only, and its server compiles no TypeScript", async () => {
  // The copy npm test runs (E2E_APP_DIR), or the tree `npm start` built for this run.
  const appDir = process.env.E2E_APP_DIR ?? path.join(root, ".next", "standalone");
  // The project's development tools: its devDependencies that package-lock.json marks "dev"
  // (only development needs them; a devDependency that production also loads is not marked).
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const tools = Object.keys(manifest.devDependencies).filter(
    (name) => lock.packages[`node_modules/${name}`]?.dev === true,
  );
  expect(tools).toEqual(expect.arrayContaining(["tsx", "esbuild", "vitest", "eslint"]));
  expect(tools.filter((name) => fs.existsSync(path.join(appDir, "node_modules", name, "package.json")))).toEqual([]);
  for (const tool of ["typescript", "prisma"])
    expect(fs.existsSync(path.join(appDir, "node_modules", tool))).toBe(false);
  expect(fs.readFileSync(path.join(appDir, "start.sh"), "utf8")).toMatch(/exec node .*dist\/server\.mjs/);
  const sources = fs.readdirSync(path.join(appDir, "dist"), { recursive: true }).map(String);
  expect(sources.filter((name) => name.endsWith(".ts"))).toEqual([]);
  expect(sources).toEqual(
    expect.arrayContaining(["server.mjs", "signet.mjs", "verification-worker.mjs", "inspection-worker.mjs"]),
  );
});
