// The HTTP server `npm start` runs (scripts/start.ts starts it once the runtime is prepared):
// Signet's edge (lib/http/signet-edge) in front of Next.js, through Next's custom-server API.
// Route handlers cannot see the socket in Next.js 16: only a server of our own can say where a
// request came from, or refuse a body before anything reads it.
import http from "node:http";
import path from "node:path";
import next from "next";
import { readSettings } from "@/lib/config/settings";
import { readDocumentSettings } from "@/lib/documents/document-settings";
import { isSignetError } from "@/lib/engine/errors";
import { signetEdge } from "@/lib/http/signet-edge";
import { log } from "@/lib/log/logger";

const root = path.resolve(import.meta.dirname, "..");
const dev = process.argv.includes("--dev");
/** How long open requests may run after SIGTERM/SIGINT before their connections are closed. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const settings = readSettings();
  const { maxUploadBytes } = readDocumentSettings();
  const server = http.createServer();
  const app = next({ dev, dir: root, port: settings.port, httpServer: server });
  await app.prepare();
  const edge = signetEdge(app.getRequestHandler(), {
    maxUploadBytes,
    verifyMaxBytes: settings.verifyMaxBytes,
    trustProxy: settings.trustProxy,
    publicUrl: settings.publicUrl,
    dev,
  });
  server.on("request", (req, res) => edge(req, res));
  // Without this listener Node answers "100 Continue" itself, and the client sends a body we would refuse.
  server.on("checkContinue", (req, res) => edge(req, res, { expectsContinue: true }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, resolve);
  });
  log.info({ url: settings.publicUrl, port: settings.port, dev }, "Signet is listening");

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("Signet cannot start:", isSignetError(error) ? error.message : error);
  process.exit(1);
});
