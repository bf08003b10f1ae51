/** What an app reports about a push it showed. */
export const receiptKinds = ['opened', 'clicked', 'dismissed'] as const;
export type ReceiptKind = (typeof receiptKinds)[number];

/**
 * What a receipt token vouches for: which message (event and recipe or campaign, variant),
 * which user, which device. Every push carries one, signed with HMAC-SHA256 under a key Herald
 * keeps (Secrets Manager on AWS, generated locally); the app POSTs it back with the kind of
 * receipt. The token is the only authentication the receipt endpoint needs.
 */
export interface ReceiptClaims {
  readonly eventId: string;
  /** The recipe or campaign. */
  readonly scope: string;
  readonly variant: string;
  readonly userId: string;
  readonly deviceId: string;
  /** Epoch seconds after which the token is refused (`expired`). */
  readonly expiresAt: number;
}

/** Key of the push payload's data field that carries the token (APNs custom key, FCM data). */
export const receiptDataKey = 'heraldReceipt';

/** Port: signs and checks receipt tokens; the key never leaves the adapter. */
export interface ReceiptSigner {
  sign(claims: ReceiptClaims): Promise<string>;
}
