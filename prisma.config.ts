import { defineConfig } from "prisma/config";

// Read only by the Prisma CLI (generate). Migrations are applied by lib/db/migrate.ts,
// because the CLI's native schema engine cannot be downloaded on every machine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/signet" },
});
