/**
 * ECDSA over a given digest (no hashing), for the test KMS: what KMS does with
 * MessageType DIGEST. node:crypto cannot do this (`crypto.sign(null, digest, ecKey)`
 * hashes again), so this is textbook ECDSA (FIPS 186-5 §6.4.1) in BigInt over the
 * NIST curves, with Jacobian coordinates and a random nonce. Test code only: not
 * constant-time. The key is checked against its public point before use.
 */
import { randomBytes, type KeyObject } from "node:crypto";
import { ecdsaRawToDer } from "@/lib/engine/crypto/ecdsa-signature";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";

interface Curve {
  p: bigint;
  n: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  bytes: number;
}

const CURVES: Record<EcCurve, Curve> = {
  "P-256": {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bytes: 32,
  },
  "P-384": {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bytes: 48,
  },
  "P-521": {
    p: (1n << 521n) - 1n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    bytes: 66,
  },
};

type Jacobian = [bigint, bigint, bigint];

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

const inverse = (a: bigint, prime: bigint): bigint => modPow(a, prime - 2n, prime);

function double([x, y, z]: Jacobian, p: bigint): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  // dbl-2001-b, a = -3
  const delta = (z * z) % p;
  const gamma = (y * y) % p;
  const beta = (x * gamma) % p;
  const alpha = mod(3n * (x - delta) * (x + delta), p);
  const x3 = mod(alpha * alpha - 8n * beta, p);
  const z3 = mod((y + z) * (y + z) - gamma - delta, p);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, p);
  return [x3, y3, z3];
}

function add(a: Jacobian, b: Jacobian, p: bigint): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const [x1, y1, z1] = a;
  const [x2, y2, z2] = b;
  const z1z1 = (z1 * z1) % p;
  const z2z2 = (z2 * z2) % p;
  const u1 = (x1 * z2z2) % p;
  const u2 = (x2 * z1z1) % p;
  const s1 = (y1 * z2 * z2z2) % p;
  const s2 = (y2 * z1 * z1z1) % p;
  const h = mod(u2 - u1, p);
  const r = mod(2n * (s2 - s1), p);
  if (h === 0n) return r === 0n ? double(a, p) : [0n, 1n, 0n];
  const i = (4n * h * h) % p;
  const j = (h * i) % p;
  const v = (u1 * i) % p;
  const x3 = mod(r * r - j - 2n * v, p);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, p);
  const z3 = mod(((z1 + z2) * (z1 + z2) - z1z1 - z2z2) * h, p);
  return [x3, y3, z3];
}

function multiply(k: bigint, curve: Curve): { x: bigint; y: bigint } {
  let result: Jacobian = [0n, 1n, 0n];
  const g: Jacobian = [curve.gx, curve.gy, 1n];
  for (let i = BigInt(k.toString(2).length - 1); i >= 0n; i--) {
    result = double(result, curve.p);
    if ((k >> i) & 1n) result = add(result, g, curve.p);
  }
  const zi = inverse(result[2], curve.p);
  const zi2 = (zi * zi) % curve.p;
  return { x: (result[0] * zi2) % curve.p, y: (result[1] * zi2 * zi) % curve.p };
}

const toBigInt = (bytes: Uint8Array): bigint =>
  bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
const fromBase64url = (value: string | undefined): bigint => toBigInt(Buffer.from(value ?? "", "base64url"));
const toBytes = (value: bigint, length: number): Uint8Array =>
  Buffer.from(value.toString(16).padStart(length * 2, "0"), "hex");

export interface PrehashEcdsaKey {
  curve: EcCurve;
  d: bigint;
}

/** Reads the private scalar of a node:crypto EC key and checks d·G against the public point. */
export function prehashEcdsaKey(privateKey: KeyObject, curve: EcCurve): PrehashEcdsaKey {
  const jwk = privateKey.export({ format: "jwk" });
  const d = fromBase64url(jwk.d);
  const point = multiply(d, CURVES[curve]);
  if (point.x !== fromBase64url(jwk.x) || point.y !== fromBase64url(jwk.y))
    throw new Error(`test KMS: ${curve} arithmetic is wrong`);
  return { curve, d };
}

/** DER ECDSA-Sig-Value over `digest` as given (truncated to the order's bit length, as FIPS 186 says). */
export function signDigestEcdsa(key: PrehashEcdsaKey, digest: Uint8Array): Uint8Array {
  const curve = CURVES[key.curve];
  const orderBits = curve.n.toString(2).length;
  let z = toBigInt(digest);
  if (digest.length * 8 > orderBits) z >>= BigInt(digest.length * 8 - orderBits);
  for (;;) {
    const k = mod(toBigInt(randomBytes(curve.bytes + 16)), curve.n - 1n) + 1n;
    const r = multiply(k, curve).x % curve.n;
    if (r === 0n) continue;
    const s = mod(inverse(k, curve.n) * (z + r * key.d), curve.n);
    if (s === 0n) continue;
    const raw = new Uint8Array(2 * curve.bytes);
    raw.set(toBytes(r, curve.bytes), 0);
    raw.set(toBytes(s, curve.bytes), curve.bytes);
    return ecdsaRawToDer(raw, key.curve);
  }
}
