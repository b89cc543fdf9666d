import { describe, expect, it, vi } from "vitest";
import { createLogger } from "@/lib/log/logger";
import { currentRequestId, requestIdFor, runWithRequestId, wellFormedRequestId } from "@/lib/log/request-context";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("requestIdFor", () => {
  it("is a fresh UUID for each request, whatever a client sent when no proxy is trusted", () => {
    const ids = [requestIdFor(undefined, false), requestIdFor(undefined, false), requestIdFor("chosen-by-me", false)];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });

  it("keeps a trusted proxy's well-formed X-Request-Id and replaces anything else", () => {
    expect(requestIdFor("edge-7f3a:1712.5_x", true)).toBe("edge-7f3a:1712.5_x");
    expect(requestIdFor("a".repeat(128), true)).toBe("a".repeat(128));
    for (const odd of ["a".repeat(129), "", "two words", "a,b", "<script>", "id\n{}", ["one", "two"], undefined])
      expect(requestIdFor(odd, true), JSON.stringify(odd)).toMatch(UUID);
  });

  it("wellFormedRequestId takes only a single, plain id", () => {
    expect(wellFormedRequestId("3b241101-e2bb-4255-8caf-4136c566a962")).toBe("3b241101-e2bb-4255-8caf-4136c566a962");
    expect(wellFormedRequestId(null)).toBeNull();
    expect(wellFormedRequestId("ü")).toBeNull();
  });
});

describe("the request id on log lines", () => {
  it("is added to every line logged while a request is handled, across awaits, and to none outside", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "info",
      destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
    });
    logger.info("before");
    await runWithRequestId("req-1", async () => {
      logger.info("start");
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ requestId: "explicit" }, "an explicit id wins");
      expect(currentRequestId()).toBe("req-1");
    });
    logger.info("after");
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ["before", undefined],
      ["start", "req-1"],
      ["an explicit id wins", "explicit"],
      ["after", undefined],
    ]);
  });

  it("is found by another instance of the module (the server's bundle and Next's chunks each load one)", async () => {
    vi.resetModules();
    const other = await import("@/lib/log/request-context");
    expect(other.runWithRequestId).not.toBe(runWithRequestId);
    runWithRequestId("req-2", () => expect(other.currentRequestId()).toBe("req-2"));
  });
});
