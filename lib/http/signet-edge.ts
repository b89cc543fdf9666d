import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER, connectionClientAddress } from "../auth/client-address";
import { log } from "../log/logger";

export type EdgeSettings = { trustProxy: boolean };

/** Next.js's request handler (`app.getRequestHandler()`), or anything shaped like it. */
export type AppHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers one request. */
export type EdgeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What Signet's HTTP server does to every request before the app sees it:
 * - the client's address is written from the connection into CLIENT_ADDRESS_HEADER (and
 *   X-Forwarded-For), replacing whatever the client sent (lib/auth/client-address).
 */
export function signetEdge(app: AppHandler, settings: EdgeSettings): EdgeHandler {
  return (req, res) => {
    const forwardedFor = req.headers["x-forwarded-for"];
    const address = connectionClientAddress(req.socket.remoteAddress, Array.isArray(forwardedFor) ? forwardedFor.join(", ") : forwardedFor, settings.trustProxy);
    delete req.headers[CLIENT_ADDRESS_HEADER];
    delete req.headers["x-forwarded-for"];
    if (address !== null) {
      req.headers[CLIENT_ADDRESS_HEADER] = address;
      req.headers["x-forwarded-for"] = address;
    }

    app(req, res).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, "request failed");
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}
