/**
 * Whether this process is shutting down. The HTTP server sets the flag on SIGTERM or SIGINT,
 * before it stops accepting connections, so that GET /api/ready answers 503 and a load balancer
 * sends no new requests while the ones in flight finish. The server and the route handlers are
 * separate module instances of one process: the flag lives on globalThis, under a symbol both
 * know by name.
 */
const DRAINING = Symbol.for("signet.draining");

export function markDraining(): void {
  (globalThis as Record<symbol, unknown>)[DRAINING] = true;
}

export function isDraining(): boolean {
  return (globalThis as Record<symbol, unknown>)[DRAINING] === true;
}
