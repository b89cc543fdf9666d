import { AuditError } from "@/lib/audit/audit-errors";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * A SIEM webhook address: https, or plain http only to this host's loopback (a local
 * collector) unless the operator allows http everywhere (SIGNET_SIEM_ALLOW_HTTP=1). Where it
 * may connect is decided separately, at connection time (lib/outbound). No
 * credentials in the URL (the URL is shown on the audit page and kept in the audit log; the
 * HMAC secret authenticates Signet to the receiver), no fragment.
 */
export function parseSiemWebhookUrl(input: string, options: { allowHttp: boolean }): string {
  const text = input.trim();
  const fail = (message: string) => new AuditError("audit.siem_url", message, { field: "url" });
  if (text === "") throw fail("Enter the address of your SIEM's webhook.");
  if (text.length > 2000) throw fail("That address is too long (2000 characters at most).");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail("That is not a web address. It should look like https://siem.example.com/hooks/signet.");
  }
  if (url.username !== "" || url.password !== "")
    throw fail(
      "Leave user names and passwords out of the address: Signet signs each delivery with the webhook secret instead.",
    );
  if (url.hash !== "") throw fail("The address must not have a #fragment.");
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:") {
    if (LOOPBACK_HOSTS.has(url.hostname) || options.allowHttp) return url.href;
    throw fail(
      "Use https: plain http is only accepted for a collector on this server (localhost, which the operator must also allow in SIGNET_OUTBOUND_ALLOW), unless the operator sets SIGNET_SIEM_ALLOW_HTTP=1.",
    );
  }
  throw fail("Use an https:// address.");
}
