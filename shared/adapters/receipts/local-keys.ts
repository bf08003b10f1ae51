import { randomBytes } from 'node:crypto';
import type { ReceiptKeys } from '../../domain/engagement/receipt-keys.ts';

/**
 * A receipt key made when the local runtime starts and kept in memory only: tokens of one run
 * are refused by the next (`bad-signature`), as tokens signed before a key rotation are on AWS.
 */
export class LocalReceiptKeys implements ReceiptKeys {
  readonly #key = randomBytes(32);

  async key(): Promise<Uint8Array> {
    return this.#key;
  }
}
