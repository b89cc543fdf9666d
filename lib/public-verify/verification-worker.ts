/**
 * Worker-thread entry of public verification (lib/public-verify/isolated-verify.ts): lib/verify's
 * report for one PDF, with the query each signature would put to Signet's records. The records
 * themselves are looked up on the main thread, which holds the database connection.
 */
import { serveJobs } from "@/lib/runtime/worker-jobs";
import type { SignetRecordQuery } from "@/lib/engine/verify";
import { verifyPdf } from "@/lib/engine/verify";
import type { IsolatedVerifyJob, IsolatedVerifyResult } from "@/lib/public-verify/isolated-verify";

serveJobs<IsolatedVerifyJob, IsolatedVerifyResult>(async (job) => {
  const queries: SignetRecordQuery[] = [];
  const report = await verifyPdf(job.pdf, {
    trustAnchors: job.trustAnchors,
    now: new Date(job.now),
    limits: job.limits,
    signetLookup: async (query) => {
      queries.push(query);
      return undefined;
    },
  });
  return { report, queries };
});
