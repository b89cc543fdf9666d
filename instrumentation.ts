/**
 * Next.js calls register() once when a server process starts. Signet starts its audit
 * background jobs there (SIEM delivery, periodic checkpoints): only in the Node.js runtime,
 * never while `next build` collects pages.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startServerBackgroundJobs } = await import("@/lib/jobs/server-background-jobs");
  startServerBackgroundJobs();
}
