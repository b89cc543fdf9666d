import { HttpTimestamper, type Timestamper } from "@/lib/engine/tsa";

/** The server's RFC 3161 authority (SIGNET_TSA_URL): with one, seals are PAdES B-T; without, B-B. */
export function configuredTimestamper(env: Record<string, string | undefined> = process.env): Timestamper | undefined {
  const url = env.SIGNET_TSA_URL;
  if (url === undefined || url.trim() === "") return undefined;
  const timeoutMs = Number(env.SIGNET_TSA_TIMEOUT_MS ?? 30_000);
  return new HttpTimestamper({
    url: url.trim(),
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 30_000,
  });
}
