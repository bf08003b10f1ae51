import type { ReceiptSigner } from './receipt.ts';
import { keySigner } from './receipt-token.ts';

/**
 * Port: the HMAC key receipt tokens are signed and checked with. One key for the whole
 * deployment (Secrets Manager on AWS, a random one per local runtime), so the delivery worker
 * that signs and the receipt endpoint that checks always agree.
 */
export interface ReceiptKeys {
  key(): Promise<Uint8Array>;
}

/**
 * The signer the delivery side uses, over the same keys the receipt endpoint checks with.
 *
 * @example
 * const receipts = signerFrom(new SecretsManagerReceiptKeys(secretArn));
 */
export const signerFrom = (keys: ReceiptKeys): ReceiptSigner => keySigner(() => keys.key());
