// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { readSettings } from "@/lib/config/settings";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { databaseTarget, describeTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";

try {
  const target = databaseTarget(readSettings());
  const session = await openSqlSession(target);
  try {
    const applied = await migrate(session);
    console.log(
      applied.length === 0
        ? `${describeTarget(target)} is up to date.`
        : `Applied to ${describeTarget(target)}:\n  ${applied.join("\n  ")}`,
    );
  } finally {
    await session.close();
  }
} catch (error) {
  console.error(isSignetError(error) ? error.message : error);
  process.exit(1);
}
