import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { assertAllowedDestination } from "@/lib/outbound/destination-check";
import type { OutboundAllowList } from "@/lib/outbound/outbound-allow-list";
import { OutboundError } from "@/lib/outbound/outbound-errors";

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** Name resolution, injectable so that tests can play a rebinding DNS server. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** What an outbound request may reach: the operator's allow-list, and how names are resolved. */
export type OutboundPolicy = { allow: OutboundAllowList; resolve?: Resolver };

/** Resolves a name and checks every address it got; the caller must connect to these addresses only. */
export async function resolveAllowed(hostname: string, policy: OutboundPolicy): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(hostname);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new OutboundError("outbound.unreachable", "could not reach the destination", {
      detail: `lookup of ${hostname} failed${typeof code === "string" ? ` (${code})` : ""}`,
    });
  }
  assertAllowedDestination(
    hostname,
    addresses.map((a) => a.address),
    policy.allow,
  );
  return addresses;
}

/**
 * A `lookup` for node:net / node:http(s) that resolves the name, refuses the connection when
 * any address is not allowed, and hands the socket exactly the addresses it checked. Because
 * it runs for every connection the socket makes, an answer that changes between a check and
 * the connection (DNS rebinding) is checked again where it counts. (Node skips `lookup` for
 * literal IP hosts: guardedRequest checks those itself.)
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy).then(
      (resolved) => {
        const wanted =
          options.family === 4 || options.family === 6 ? resolved.filter((a) => a.family === options.family) : resolved;
        if (wanted.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: "ENOTFOUND" }),
            "",
            0,
          );
        } else if (options.all === true) {
          callback(null, wanted);
        } else {
          callback(null, wanted[0]!.address, wanted[0]!.family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, "", 0),
    );
  };
}
