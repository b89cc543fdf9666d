/**
 * The last result of `work`, reused for `ms`: for checks that anyone may trigger and that cost
 * something (an unwrap by a KMS master key is a billed, rate-limited call).
 */
export function memoiseFor<T>(ms: number, work: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (cached === null || now() - cached.at >= ms) cached = { at: now(), value: work() };
    return cached.value;
  };
}
