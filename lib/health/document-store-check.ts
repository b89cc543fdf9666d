import type { DocumentStore } from "@/lib/documents/document-store";
import { bytesEqual } from "@/lib/engine/asn1";
import { HealthError } from "@/lib/health/health-errors";

const PROBE = new TextEncoder().encode("signet readiness probe\n");

/**
 * The document store can take a document and give it back: a small probe is written through
 * the store (as an upload is: to a temporary file, flushed, renamed under a random key), read
 * back, compared and removed. Nothing of a real document is read.
 */
export async function checkDocumentStore(store: DocumentStore): Promise<void> {
  const stored = await store.put([PROBE], { maxBytes: PROBE.byteLength });
  try {
    if (!bytesEqual(await store.get(stored.key), PROBE))
      throw new HealthError("health.document_store_unusable", "the document store did not give back what was written");
  } finally {
    await store.remove(stored.key);
  }
}
