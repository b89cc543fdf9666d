import { StringDecoder } from "node:string_decoder";
import { format, inspect, stripVTControlCharacters, types, type InspectOptions } from "node:util";
import type { Logger } from "pino";
import { redactSecretPaths } from "@/lib/log/access-log";

type LogLevel = "debug" | "info" | "warn" | "error";

/** The console methods that print, and the level each is logged at. */
const CONSOLE_LEVELS = {
  debug: "debug",
  trace: "debug",
  log: "info",
  info: "info",
  dir: "info",
  warn: "warn",
  error: "error",
} as const satisfies Record<string, LogLevel>;

type ConsoleMethod = keyof typeof CONSOLE_LEVELS;
type PrintingConsole = Pick<Console, ConsoleMethod>;
type WriteFn = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type RawStream = { write: NodeJS.WritableStream["write"] };

/** What gets routed: the process's console and standard streams unless a test hands in its own. */
export type ConsoleTarget = { console: PrintingConsole; stdout?: RawStream; stderr?: RawStream };

/** How Node starts a process warning: "(node:1234) DeprecationWarning: …", "(node:1234) [DEP0040] DeprecationWarning: …". */
const NODE_WARNING = /^\(node:\d+\) (\[[A-Z0-9]+\] )?\w*Warning: /;

/** A raw write without a newline is held until one comes, up to this many characters. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Makes everything the process prints a line of Signet's JSON log, as Next.js prints its own
 * output (the start-up banner, render errors, warnings) through console and, in development,
 * some straight to process.stdout:
 * - console.log/info/warn/error/debug/trace/dir are logged at their level with
 *   `source: "console"`; the arguments are formatted as console would (util.format), an Error
 *   among them becomes `err` {name, message, stack}, colour codes are stripped, and a quoted
 *   URL's secret segment (an invitation token) is redacted as in the access log;
 * - what is still written to process.stdout or process.stderr directly (console.table, Node's
 *   own warnings, Next's development request log) is logged line by line with
 *   `source: "stdout"` (info) or `source: "stderr"` (warn).
 *
 * The logger must not write through process.stdout or console itself (lib/log/logger writes
 * to file descriptor 1); a write that arrives while a line is being logged passes straight
 * through, so no output can loop. Call it once at start-up, before Next.js loads: Next wraps
 * console methods as they are when it loads and calls them from inside its own wrappers.
 * Returns a function that puts everything back.
 */
export function routeConsoleToLog(
  logger: Logger,
  target: ConsoleTarget = { console, stdout: process.stdout, stderr: process.stderr },
): () => void {
  let logging = false;
  const emit = (level: LogLevel, fields: Record<string, unknown>, msg: string) => {
    logging = true;
    try {
      logger[level](fields, msg);
    } finally {
      logging = false;
    }
  };

  const restores: (() => void)[] = [];
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    const original = target.console[method];
    const level = CONSOLE_LEVELS[method];
    target.console[method] = (...args: unknown[]) => {
      // Printed from inside the logger: out the way it came, not round again.
      if (logging) return (original as (...a: unknown[]) => void).apply(target.console, args);
      if (!logger.isLevelEnabled(level)) return;
      const { msg, err, stack } = consoleLine(method, args);
      if (msg === "" && err === undefined) return;
      // Node prints its process warnings (deprecations and the like) through console.error.
      const lineLevel = level === "error" && NODE_WARNING.test(msg) ? "warn" : level;
      const fields: Record<string, unknown> = { source: "console" };
      if (err !== undefined) fields.err = err;
      if (stack !== undefined) fields.stack = stack;
      emit(lineLevel, fields, msg);
    };
    restores.push(() => (target.console[method] = original));
  }

  for (const [source, level] of [
    ["stdout", "info"],
    ["stderr", "warn"],
  ] as const) {
    const stream = target[source];
    if (stream === undefined) continue;
    const original = stream.write;
    const originalWrite = original.bind(stream) as WriteFn;
    const decoder = new StringDecoder("utf8");
    let pending = "";
    const logLine = (line: string) => {
      const text = clean(line.replace(/\r$/, ""));
      if (text.trim() !== "") emit(level, { source }, text);
    };
    const write: WriteFn = (chunk, encoding, callback) => {
      const done = [encoding, callback].find((a): a is () => void => typeof a === "function");
      if (logging) return originalWrite(chunk, encoding, callback);
      pending += typeof chunk === "string" ? chunk : decoder.write(Buffer.from(chunk as Uint8Array));
      let newline: number;
      while ((newline = pending.indexOf("\n")) !== -1) {
        logLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
      if (pending.length > MAX_PENDING_CHARS) {
        logLine(pending);
        pending = "";
      }
      if (done !== undefined) process.nextTick(done);
      return true;
    };
    stream.write = write as RawStream["write"];
    restores.push(() => {
      logLine(pending + decoder.end());
      pending = "";
      stream.write = original;
    });
  }

  return () => {
    for (const restore of restores.reverse()) restore();
  };
}

/** The serialised form of an Error in a log line. */
export type LoggedError = {
  name: string;
  message: string;
  stack?: string;
  digest?: string;
  code?: string;
  cause?: LoggedError;
};

function consoleLine(method: ConsoleMethod, args: unknown[]): { msg: string; err?: LoggedError; stack?: string } {
  if (method === "dir") return { msg: clean(inspect(args[0], { ...(args[1] as InspectOptions), colors: false })) };
  const error = args.find(isError);
  // An Error reads as "Name: message" in the line; its stack goes to `err`, once.
  const msg = clean(format(...args.map((a) => (isError(a) ? `${a.name}: ${a.message}` : a))));
  if (method === "trace") {
    const stack = clean(new Error().stack?.split("\n").slice(3).join("\n") ?? "");
    return { msg: `Trace${msg === "" ? "" : `: ${msg}`}`, stack };
  }
  return error === undefined ? { msg } : { msg, err: loggedError(error) };
}

/**
 * An Error as a plain record, colour codes stripped, with its cause (a few levels deep). It has
 * no prototype: pino's `err` serializer then takes its `type` from `name` (not "Object") and
 * appends the cause's message and stack to the error's, as it does for an Error.
 */
function loggedError(error: Error, depth = 0): LoggedError {
  const logged = Object.create(null) as LoggedError;
  logged.name = error.name;
  logged.message = clean(error.message);
  if (error.stack !== undefined) logged.stack = clean(error.stack);
  // Next.js tags server errors with a digest that the browser shows; it ties the two together.
  const { digest, code, cause } = error as { digest?: unknown; code?: unknown; cause?: unknown };
  if (typeof digest === "string") logged.digest = digest;
  if (typeof code === "string") logged.code = code;
  if (isError(cause) && depth < 3) logged.cause = loggedError(cause, depth + 1);
  return logged;
}

/** An Error of this realm or another (Next.js runs some code in vm contexts). */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** Without colour and other terminal control sequences, and without the secrets a quoted URL may hold. */
function clean(text: string): string {
  return redactSecretPaths(stripVTControlCharacters(text));
}
