/**
 * A local RFC 3161 timestamp authority for tests: an HTTP server on 127.0.0.1
 * (random port) that answers application/timestamp-query by shelling out to
 * `openssl ts -reply` with the test PKI's TSA certificate. It can be told to
 * misbehave (HTTP 500, hang, a rejection status, a wrong nonce or imprint, garbage).
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import {
  Tag,
  expectTag,
  readChildren,
  readSingle,
  sequence,
  tlv,
  unsignedInteger,
  concatBytes,
} from "@/lib/engine/asn1/der";
import type { TestPki } from "@/test/support/pki-fixtures";

const run = promisify(execFile);

export type TsaBehaviour = "ok" | "http500" | "hang" | "rejection" | "wrongNonce" | "wrongImprint" | "garbage";

export interface TestTsa {
  url: string;
  behaviour: TsaBehaviour;
  requests: number;
  stop(): Promise<void>;
}

export async function startTestTsa(pki: TestPki, behaviour: TsaBehaviour = "ok"): Promise<TestTsa> {
  const dir = await mkdtemp(path.join(pki.dir, "tsa-"));
  const configPath = path.join(dir, "tsa.cnf");
  await writeFile(path.join(dir, "serial"), "01\n");
  await writeFile(path.join(dir, "certs.pem"), pki.root.certPem);
  await writeFile(
    configPath,
    [
      "[ tsa_config ]",
      `serial = ${path.join(dir, "serial")}`,
      "crypto_device = builtin",
      `signer_cert = ${pki.tsa.certPath}`,
      `signer_key = ${pki.tsa.keyPath}`,
      `certs = ${path.join(dir, "certs.pem")}`,
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.99999.1",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ordering = no",
      "tsa_name = yes",
      "ess_cert_id_chain = no",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );

  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  const reply = (query: Uint8Array): Promise<Uint8Array> => {
    const next = queue.then(async () => {
      const id = ++counter;
      const queryPath = path.join(dir, `q${id}.tsq`);
      const replyPath = path.join(dir, `r${id}.tsr`);
      await writeFile(queryPath, query);
      await run("openssl", [
        "ts",
        "-reply",
        "-config",
        configPath,
        "-section",
        "tsa_config",
        "-queryfile",
        queryPath,
        "-out",
        replyPath,
      ]);
      return new Uint8Array(await readFile(replyPath));
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const tsa: TestTsa = { url: "", behaviour, requests: 0, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      tsa.requests++;
      void (async () => {
        const query = new Uint8Array(Buffer.concat(chunks));
        switch (tsa.behaviour) {
          case "hang":
            return; // never answer
          case "http500":
            res.writeHead(500).end("internal error");
            return;
          case "garbage":
            send(res, Uint8Array.from([0x30, 0x03, 0x02, 0x01]));
            return;
          case "rejection":
            send(res, rejection());
            return;
          default:
            try {
              const adjusted =
                tsa.behaviour === "wrongNonce"
                  ? withField(query, 2)
                  : tsa.behaviour === "wrongImprint"
                    ? withField(query, 1)
                    : query;
              send(res, await reply(adjusted));
            } catch {
              res.writeHead(500).end("openssl failed");
            }
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  tsa.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return tsa;
}

function send(res: import("node:http").ServerResponse, body: Uint8Array): void {
  res.writeHead(200, { "Content-Type": "application/timestamp-reply", "Content-Length": body.length });
  res.end(Buffer.from(body));
}

/** TimeStampResp with status rejection, a status string and failInfo badAlg. */
function rejection(): Uint8Array {
  const statusString = sequence(tlv(Tag.UTF8_STRING, new TextEncoder().encode("test TSA refuses")));
  const failInfo = tlv(Tag.BIT_STRING, Uint8Array.of(0x07, 0x80));
  return sequence(sequence(tlv(Tag.INTEGER, Uint8Array.of(2)), statusString, failInfo));
}

/** The query with its imprint (field 1) or nonce (field 2) altered, so the reply no longer matches the client's request. */
function withField(query: Uint8Array, field: 1 | 2): Uint8Array {
  const fields = readChildren(expectTag(readSingle(query), Tag.SEQUENCE, "TimeStampReq")).map((f) => f.der);
  if (field === 2) {
    fields[2] = unsignedInteger(Uint8Array.from([0x12, 0x34, 0x56, 0x78]));
  } else {
    const [algorithm, hashed] = readChildren(readSingle(fields[1] as Uint8Array));
    const changed = hashed!.content.slice();
    changed[0] = (changed[0] as number) ^ 0xff;
    fields[1] = sequence(algorithm!.der, tlv(Tag.OCTET_STRING, changed));
  }
  return sequence(concatBytes(fields));
}
