import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReceiptClaims, ReceiptSigner } from './receipt.ts';

/**
 * Receipt tokens: `<claims as base64url JSON>.<HMAC-SHA256 of that part, base64url>`. Compact
 * enough for a push payload (about 200 bytes), readable by nobody but Herald's key for forging.
 */
const mac = (body: string, key: Uint8Array) => createHmac('sha256', key).update(body).digest();

export const signReceipt = (claims: ReceiptClaims, key: Uint8Array): string => {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, key).toString('base64url')}`;
};

export type ReceiptCheck =
  | { readonly valid: true; readonly claims: ReceiptClaims }
  | { readonly valid: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

/** Checks a token's signature (in constant time) and expiry; says why a token is refused. */
export const verifyReceipt = (token: string, key: Uint8Array, nowSeconds: number): ReceiptCheck => {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { valid: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(body, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'bad-signature' };
  let claims: ReceiptClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ReceiptClaims;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof claims?.expiresAt !== 'number') return { valid: false, reason: 'malformed' };
  if (claims.expiresAt < nowSeconds) return { valid: false, reason: 'expired' };
  return { valid: true, claims };
};

/** A signer over a key already in memory (the local runtime's, or one read from Secrets Manager). */
export const keySigner = (key: () => Promise<Uint8Array>): ReceiptSigner => ({
  sign: async (claims) => signReceipt(claims, await key()),
});
