import { describe, expect, it } from "vitest";
import { jobLagMs, startRepeatingJobs, type RunningJobs } from "@/lib/jobs/repeating-jobs";

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error("condition never held");
};

describe("repeating jobs' status", () => {
  it("tells when each job is due, how late a run in progress is, and when it last succeeded or failed", async () => {
    let clock = 1_000;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs: RunningJobs = startRepeatingJobs(
      [
        { name: "slow", everyMs: 60_000, firstAfterMs: 0, run: () => gate },
        { name: "failing", everyMs: 60_000, firstAfterMs: 0, run: () => Promise.reject(new Error("no")) },
        { name: "off", everyMs: 0, run: () => Promise.resolve() },
      ],
      () => clock,
    );
    const job = (name: string) => jobs.status().jobs.find((j) => j.name === name)!;
    try {
      expect(jobs.status().jobs.map((j) => j.name)).toEqual(["slow", "failing"]);
      await until(() => job("slow").running && job("failing").lastFailureAt !== null);
      expect(job("failing")).toMatchObject({ running: false, lastSuccessAt: null, lastFailureAt: 1_000 });
      expect(job("failing").dueAt).toBe(61_000);

      clock = 31_000;
      expect(job("slow")).toMatchObject({ dueAt: 1_000, lastSuccessAt: null });
      expect(jobLagMs(job("slow"), clock)).toBe(30_000);

      release();
      await until(() => job("slow").lastSuccessAt !== null);
      expect(job("slow")).toMatchObject({ running: false, lastSuccessAt: 31_000, dueAt: 91_000 });
      expect(jobLagMs(job("slow"), clock)).toBe(0);
      expect(jobs.status().stopped).toBe(false);
    } finally {
      await jobs.stop();
    }
    expect(jobs.status().stopped).toBe(true);
  });
});
