import {
  ACTION_SOURCE,
  type ActionBus,
  type ActionEvent,
  type EmitResult,
} from '../../domain/actions/action-event.ts';
import type { PublishableEvent } from '../../publisher/publishable-event.ts';
import type { Publisher } from '../../publisher/publisher.ts';

/**
 * The action bus on EventBridge, through Herald's own publisher: each event is checked against
 * the `herald.actions` contract, requests are packed to PutEvents' limits (10 entries, 1 MB by
 * AWS's size formula), and only failed entries are retried, with backoff and jitter. Locally the
 * publisher's client points at the local bus's PutEvents endpoint, so the same code runs.
 */
export class PublisherActionBus implements ActionBus {
  readonly #publisher: Pick<Publisher, 'publish'>;

  constructor(publisher: Pick<Publisher, 'publish'>) {
    this.#publisher = publisher;
  }

  async emit(events: readonly ActionEvent[]): Promise<EmitResult[]> {
    if (events.length === 0) return [];
    // The publishable type lists the contracts teams publish; Herald's own action events are not among them.
    const entries = events.map(
      (e) =>
        ({
          source: ACTION_SOURCE,
          detailType: e.detailType,
          detail: e.detail,
        }) as unknown as PublishableEvent,
    );
    const { published, failed } = await this.#publisher.publish(entries);
    const results: EmitResult[] = events.map(() => ({
      status: 'failed',
      code: 'NoAnswer',
      message: 'the publisher answered nothing for this event',
      sent: false,
    }));
    for (const p of published) results[p.index] = { status: 'emitted', eventId: p.eventId };
    for (const f of failed)
      results[f.index] = {
        status: 'failed',
        code: f.code,
        message: f.message,
        // Only a request that failed in transit (a timeout, a reset) may have been taken after all.
        sent: f.retryable && !NOT_TAKEN.has(f.code),
      };
    return results;
  }
}

/**
 * Retryable codes that still say the bus never took the entry: EventBridge answered for it
 * (throttled, an internal failure) to the last attempt. Codes that are not retryable never were.
 */
const NOT_TAKEN = new Set(['ThrottlingException', 'InternalFailure']);
