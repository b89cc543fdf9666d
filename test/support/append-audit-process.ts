// A second "app instance" for the audit concurrency test: appends N entries to one chain, concurrently.
import { appendAudit } from "@/lib/audit/append-audit";
import { openDatabase } from "@/lib/db/client";

const [url, orgId, count] = process.argv.slice(2);
if (url === undefined || orgId === undefined || count === undefined)
  throw new Error("usage: append-audit-process URL ORG COUNT");
const { db, close } = await openDatabase({ kind: "postgres", url });
// Any failure is printed before exiting non-zero, so the parent test shows the cause.
process.on("unhandledRejection", (error) => {
  console.error("appender failed:", error);
  process.exit(1);
});
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    db.$transaction((tx) =>
      appendAudit(tx, {
        orgId,
        actorId: null,
        action: "member.roles_changed",
        subjectType: `process-${process.pid}`,
        subjectId: String(i),
      }),
    ),
  ),
);
await close();
