/**
 * The master key wraps each organisation's data key; it lives outside the database (an
 * environment variable or file, or an AWS KMS key), so a copy of the database alone
 * decrypts nothing.
 */
export interface MasterKey {
  /** Stable, non-secret identifier stored with every wrapped data key (detects a wrong master key). */
  readonly id: string;
  readonly description: string;
  /** A new 32-byte data key, and its wrapped form bound to `context`. */
  generateDataKey(context: DataKeyContext): Promise<{ plaintext: Buffer; wrapped: Uint8Array }>;
  wrap(dataKey: Uint8Array, context: DataKeyContext): Promise<Uint8Array>;
  unwrap(wrapped: Uint8Array, context: DataKeyContext): Promise<Buffer>;
}

/** What a wrapped data key is bound to: unwrapping it for another organisation fails. */
export type DataKeyContext = { orgId: string };
