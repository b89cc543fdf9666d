import { readSettings } from "@/lib/config/settings";
import { processMetricsText } from "@/lib/health/observed-metrics";
import { bearerTokenMatches } from "@/lib/metrics/bearer-token";

export const dynamic = "force-dynamic";

/**
 * GET /metrics: this process's metrics in Prometheus text format, for a scraper holding
 * SIGNET_METRICS_TOKEN (`Authorization: Bearer <token>`). Without the setting, metrics are
 * off and the path answers 404; a missing or wrong token gets 401. Labels are custody kinds,
 * outcomes, error codes, job names and limits: never an organisation, a key or a person.
 */
export async function GET(request: Request): Promise<Response> {
  const token = readSettings().metricsToken;
  if (token === undefined)
    return new Response("Not found\n", { status: 404, headers: { "Cache-Control": "no-store" } });
  if (!bearerTokenMatches(request.headers.get("authorization"), token))
    return new Response("A bearer token is needed to read the metrics.\n", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="signet-metrics"', "Cache-Control": "no-store" },
    });
  const { contentType, text } = await processMetricsText();
  return new Response(text, { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
