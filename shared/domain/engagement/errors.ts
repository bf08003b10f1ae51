import { HeraldError } from '../errors.ts';
import type { ReceiptCheck } from './receipt-token.ts';

/** Why a receipt token was refused: `malformed`, `bad-signature` or `expired`. */
export type ReceiptRefusal = Extract<ReceiptCheck, { valid: false }>['reason'];

/**
 * A receipt whose token Herald does not vouch for. The token is the endpoint's only
 * authentication, so the edge answers 401 with the reason (`receipt: expired`): a forger learns
 * nothing from it that the token format does not already say, and an app learns why.
 */
export class ReceiptRefusedError extends HeraldError {
  readonly reason: ReceiptRefusal;

  constructor(reason: ReceiptRefusal) {
    super(`receipt: ${reason}`);
    this.name = 'ReceiptRefusedError';
    this.reason = reason;
  }
}

/** The message log could not take a batch (the stream refused it, the disk is full...). */
export class MessageLogError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageLogError';
  }
}

/** A question to the message log (a trace, stats) that the query engine could not answer. */
export class MessageLogQueryError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageLogQueryError';
  }
}
