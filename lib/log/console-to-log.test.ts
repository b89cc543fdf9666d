import pino from "pino";
import { describe, expect, it } from "vitest";
import { routeConsoleToLog, type ConsoleTarget } from "@/lib/log/console-to-log";
import { createLogger } from "@/lib/log/logger";

type Line = Record<string, unknown> & { level: number; msg: string };

/** A Signet logger writing into an array, and a console and standard streams that record what reaches them. */
function setUp(level = "debug") {
  const lines: Line[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) } });
  const printed: { method: string; args: unknown[] }[] = [];
  const written: { stdout: string[]; stderr: string[] } = { stdout: [], stderr: [] };
  const fakeConsole = Object.fromEntries(
    ["log", "info", "warn", "error", "debug", "trace", "dir"].map((method) => [
      method,
      (...args: unknown[]) => void printed.push({ method, args }),
    ]),
  ) as unknown as ConsoleTarget["console"];
  const stream = (name: "stdout" | "stderr") => ({
    write: ((chunk: string | Uint8Array) => {
      written[name].push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
      return true;
    }) as NodeJS.WritableStream["write"],
  });
  const target: ConsoleTarget = { console: fakeConsole, stdout: stream("stdout"), stderr: stream("stderr") };
  return { lines, logger, printed, written, target };
}

describe("routeConsoleToLog", () => {
  it("logs each console method at its level, formatted as console would, marked source: console", () => {
    const { lines, logger, printed, target } = setUp();
    routeConsoleToLog(logger, target);
    target.console.log("%s is ready on port %d", "Signet", 3000);
    target.console.info("info", { a: 1 });
    target.console.warn("careful");
    target.console.error("broken");
    target.console.debug("detail");
    expect(lines.map((l) => [l.level, l.msg, l.source, l.app])).toEqual([
      [30, "Signet is ready on port 3000", "console", "signet"],
      [30, "info { a: 1 }", "console", "signet"],
      [40, "careful", "console", "signet"],
      [50, "broken", "console", "signet"],
      [20, "detail", "console", "signet"],
    ]);
    // Nothing went out as text.
    expect(printed).toEqual([]);
  });

  it("logs an Error as err {name, message, stack} and strips colour codes, as Next.js prints a render error", () => {
    const { lines, logger, target } = setUp();
    routeConsoleToLog(logger, target);
    const error = Object.assign(new TypeError("\u001b[1mcannot read x\u001b[22m"), { digest: "2087654321" });
    target.console.error("\u001b[31m⨯\u001b[39m", error);
    target.console.log("\u001b[1m\u001b[35m▲ Next.js 16.4.5\u001b[39m\u001b[22m");
    const [logged, banner] = lines;
    expect(logged!.level).toBe(50);
    expect(logged!.msg).toBe("⨯ TypeError: cannot read x");
    const err = logged!.err as Record<string, string>;
    expect(err.type).toBe("TypeError");
    expect(err.name).toBe("TypeError");
    expect(err.message).toBe("cannot read x");
    expect(err.digest).toBe("2087654321");
    expect(err.stack).toContain("console-to-log.test.ts");
    expect(err.stack).not.toContain("\u001b[");
    expect(banner!.msg).toBe("▲ Next.js 16.4.5");
  });

  it("appends an Error's cause to its message and stack, as pino does for an Error", () => {
    const { lines, logger, target } = setUp();
    routeConsoleToLog(logger, target);
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    target.console.error(new Error("fetch failed", { cause }));
    const err = lines[0]!.err as Record<string, string>;
    expect(err.message).toBe("fetch failed: connect ECONNREFUSED 127.0.0.1:5432");
    expect(err.stack).toContain("caused by: Error: connect ECONNREFUSED");
  });

  it("logs Node's process warnings at warn, though Node prints them with console.error", () => {
    const { lines, logger, target } = setUp();
    routeConsoleToLog(logger, target);
    target.console.error("(node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.");
    target.console.error("(node:4242) is not a warning");
    expect(lines.map((l) => l.level)).toEqual([40, 50]);
  });

  it("logs console.trace with its stack and console.dir as inspected; blank lines are dropped", () => {
    const { lines, logger, target } = setUp();
    routeConsoleToLog(logger, target);
    target.console.trace("here");
    target.console.dir({ nested: { deep: true } }, { depth: 0 });
    target.console.log("");
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, "Trace: here"],
      [30, "{ nested: [Object] }"],
    ]);
    expect(lines[0]!.stack).toContain("console-to-log.test.ts");
  });

  it("does not format what the level leaves out", () => {
    const { lines, logger, target } = setUp("info");
    routeConsoleToLog(logger, target);
    let inspected = false;
    target.console.debug({ [Symbol.for("nodejs.util.inspect.custom")]: () => (inspected = true) });
    target.console.info("kept");
    expect(inspected).toBe(false);
    expect(lines.map((l) => l.msg)).toEqual(["kept"]);
  });

  it("logs what is written to stdout and stderr directly, line by line, holding a partial line until it ends", () => {
    const { lines, logger, written, target } = setUp();
    routeConsoleToLog(logger, target);
    let calledBack = false;
    target.stdout!.write(" GET /dashboard 200 in 12ms\n \u001b[2m│\u001b[22m second", () => (calledBack = true));
    expect(lines.map((l) => l.msg)).toEqual([" GET /dashboard 200 in 12ms"]);
    target.stdout!.write(Buffer.from(" line\r\n"));
    target.stderr!.write("(node:1) Warning: something\n");
    expect(lines.map((l) => [l.level, l.source, l.msg])).toEqual([
      [30, "stdout", " GET /dashboard 200 in 12ms"],
      [30, "stdout", " │ second line"],
      [40, "stderr", "(node:1) Warning: something"],
    ]);
    expect(written).toEqual({ stdout: [], stderr: [] });
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => expect(calledBack).toBe(true));
  });

  it("redacts an invitation token in what it routes, as Next's development request log quotes the URL", () => {
    const { lines, logger, target } = setUp();
    routeConsoleToLog(logger, target);
    target.stdout!.write(" GET /invite/SECRETtok123?x=1 200 in 1283ms\n");
    target.console.error(new Error("no invitation at /invite/./SECRETtok123"));
    target.console.log("○ Compiling /invite/[token] ...");
    expect(JSON.stringify(lines)).not.toContain("SECRETtok123");
    expect(lines.map((l) => l.msg)).toEqual([
      " GET /invite/[redacted]?x=1 200 in 1283ms",
      "Error: no invitation at /invite/./[redacted]",
      "○ Compiling /invite/[token] ...",
    ]);
  });

  it("puts the console and streams back, logging a partial line left over", () => {
    const { lines, logger, printed, written, target } = setUp();
    const before = { log: target.console.log, write: target.stdout!.write };
    const restore = routeConsoleToLog(logger, target);
    target.stdout!.write("no newline yet");
    restore();
    expect(lines.map((l) => l.msg)).toEqual(["no newline yet"]);
    expect(target.console.log).toBe(before.log);
    expect(target.stdout!.write).toBe(before.write);
    target.console.log("plain");
    target.stdout!.write("raw\n");
    expect(printed).toEqual([{ method: "log", args: ["plain"] }]);
    expect(written.stdout).toEqual(["raw\n"]);
  });

  it("cannot loop: a logger that itself writes through the routed stdout sends its lines out once, as they are", () => {
    const { printed, written, target } = setUp();
    const throughStdout = createLogger({ level: "info", destination: target.stdout! as pino.DestinationStream });
    routeConsoleToLog(throughStdout, target);
    target.console.log("once");
    expect(written.stdout).toHaveLength(1);
    expect(JSON.parse(written.stdout[0]!)).toMatchObject({ msg: "once", source: "console" });
    expect(printed).toEqual([]);
  });
});

describe("Signet's logger", () => {
  it("writes to file descriptor 1 itself, not through process.stdout, even once process.stdout.write is replaced", () => {
    const original = process.stdout.write;
    process.stdout.write = ((..._args: unknown[]) => true) as typeof process.stdout.write;
    try {
      const logger = createLogger() as unknown as Record<symbol, { fd?: number }>;
      const stream = logger[pino.symbols.streamSym];
      expect(stream).not.toBe(process.stdout);
      expect(stream?.fd).toBe(1);
    } finally {
      process.stdout.write = original;
    }
  });
});
