import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { ValidationError } from '../domain/errors.ts';
import { findContract } from '../domain/events/contracts.ts';
import { businessIdentity } from '../domain/events/identity.ts';
import { parseOrThrow } from '../domain/validation.ts';
import { entrySize, MAX_REQUEST_ENTRY_BYTES } from '../local/bus/put-events-limits.ts';
import { isOversize, packBatches } from './batches.ts';
import type { PublishableEvent } from './publishable-event.ts';

/** An event EventBridge took: `identity` is the business identity Herald dedupes on. */
export interface PublishedEntry {
  readonly index: number;
  readonly eventId: string;
  readonly identity: string;
}

/**
 * An event that failed for good. `code` is EventBridge's (`MalformedDetail`, `ThrottlingException`
 * after the last attempt, ...) or the publisher's own: `InvalidDetail` (the contract refused the
 * detail; `field` names the field), `UnknownEventType`, `EntryTooLarge`. Nothing was sent for
 * an entry refused before sending. `retryable` says whether publishing it again later may work.
 */
export interface FailedEntry {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly field?: string;
  readonly identity?: string;
}

export interface PublishResult {
  readonly published: PublishedEntry[];
  readonly failed: FailedEntry[];
}

export interface PublisherOptions {
  /** The bus name or ARN; the account's default bus when absent. */
  readonly eventBusName?: string;
  /**
   * A client of the caller's. Its own retry strategy stays as configured and runs beneath the
   * publisher's: each publisher attempt may then be up to the client's `maxAttempts` requests.
   * Give it `maxAttempts: 1` so retries are counted once. When absent, the publisher builds its
   * client from `clientConfig` with `maxAttempts: 1`.
   */
  readonly client?: EventBridgeClient;
  readonly clientConfig?: EventBridgeClientConfig;
  /** Attempts per entry, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Backoff before the retry after attempt n: a random share of min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: a number in [0, 1). */
  readonly random?: () => number;
}

/** Per-entry codes worth another attempt; every other code fails for good. */
const RETRYABLE_ENTRY_CODES = new Set(['ThrottlingException', 'InternalFailure']);
const RETRYABLE_REQUEST_ERRORS = new Set([
  'ThrottlingException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);

/**
 * Whether a request refused as a whole may be retried. Throttling and server faults come before
 * any entry is dispatched; a network error or timeout may come after, and is retried still:
 * Herald dedupes on the business identity, so an event taken twice is pushed once.
 */
const isRetryableRequestError = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.$retryable || RETRYABLE_REQUEST_ERRORS.has(e.name ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
};

interface Pending {
  readonly index: number;
  readonly identity: string;
  readonly entry: PutEventsRequestEntry;
  /** Indexes of the same business event in this call: sent once, answered for each. */
  readonly copies: number[];
}

interface Attempted {
  readonly pending: Pending;
  readonly code: string;
  readonly message: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes Herald's events to EventBridge: checks each detail against its contract before
 * sending, packs PutEvents requests to AWS's limits, retries only the entries that failed with
 * a retryable code (exponential backoff, full jitter), and answers per entry.
 *
 * @example
 * const publisher = new Publisher({ eventBusName: 'herald' });
 * const { published, failed } = await publisher.publish([
 *   { source: 'market.items', detailType: 'ItemListed', detail: { itemId: 'i-1', sellerId: 's-1', title: 'Lamp', price: 40, currency: 'EUR' } },
 * ]);
 */
export class Publisher {
  readonly #client: EventBridgeClient;
  readonly #ownsClient: boolean;
  readonly #eventBusName: string | undefined;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: PublisherOptions = {}) {
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new EventBridgeClient({ ...options.clientConfig, maxAttempts: 1 });
    this.#eventBusName = options.eventBusName;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /** Publishes one event or several; never throws for an entry's failure, reports it in `failed`. */
  async publish(events: PublishableEvent | readonly PublishableEvent[]): Promise<PublishResult> {
    const list: readonly PublishableEvent[] = Array.isArray(events) ? events : [events as PublishableEvent];
    const published: PublishedEntry[] = [];
    const failed: FailedEntry[] = [];
    let pending = this.#prepare(list, failed);

    for (let attempt = 1; pending.length > 0; attempt++) {
      const retry: Attempted[] = [];
      for (const batch of packBatches(pending)) {
        await this.#send(batch, published, failed, retry);
      }
      if (retry.length === 0) break;
      if (attempt >= this.#maxAttempts) {
        for (const r of retry) {
          for (const index of r.pending.copies) {
            failed.push({
              index,
              code: r.code,
              message: `${r.message} (gave up after ${attempt} attempts)`,
              retryable: true,
              identity: r.pending.identity,
            });
          }
        }
        break;
      }
      await this.#sleep(this.#backoff(attempt));
      pending = retry.map((r) => r.pending);
    }
    return {
      published: published.sort((a, b) => a.index - b.index),
      failed: failed.sort((a, b) => a.index - b.index),
    };
  }

  /** Closes the client if the publisher built it; a caller's client is the caller's to close. */
  destroy(): void {
    if (this.#ownsClient) this.#client.destroy();
  }

  /** Full jitter: a uniform delay up to the exponential bound, so throttled publishers spread out. */
  #backoff(attempt: number): number {
    return Math.floor(this.#random() * Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1)));
  }

  /** Checks every event against its contract and the size limit; the rest is what may be sent. */
  #prepare(list: readonly PublishableEvent[], failed: FailedEntry[]): Pending[] {
    const byIdentity = new Map<string, Pending>();
    list.forEach((event, index) => {
      const contract = findContract(event.source, event.detailType);
      if (!contract) {
        failed.push({
          index,
          code: 'UnknownEventType',
          message: `detailType: no contract for "${event.detailType}" from source "${event.source}"`,
          retryable: false,
          field: 'detailType',
        });
        return;
      }
      let detail: unknown;
      try {
        detail = parseOrThrow(contract.detail, event.detail, 'detail');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        failed.push({
          index,
          code: 'InvalidDetail',
          message: error.message,
          retryable: false,
          field: error.field,
        });
        return;
      }
      // Herald computes the same digest from the detail it parses on arrival.
      const identity = businessIdentity({ source: event.source, detailType: event.detailType, detail });
      const entry: PutEventsRequestEntry = {
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(detail),
        ...(event.time ? { Time: event.time } : {}),
        ...(event.resources ? { Resources: [...event.resources] } : {}),
        ...(this.#eventBusName ? { EventBusName: this.#eventBusName } : {}),
      };
      if (isOversize(entry)) {
        failed.push({
          index,
          code: 'EntryTooLarge',
          message: `the entry is ${entrySize(entry)} bytes by EventBridge's size formula; a request holds at most ${MAX_REQUEST_ENTRY_BYTES}`,
          retryable: false,
          identity,
        });
        return;
      }
      const same = byIdentity.get(identity);
      if (same) same.copies.push(index);
      else byIdentity.set(identity, { index, identity, entry, copies: [index] });
    });
    return [...byIdentity.values()];
  }

  async #send(
    batch: readonly Pending[],
    published: PublishedEntry[],
    failed: FailedEntry[],
    retry: Attempted[],
  ): Promise<void> {
    let results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
    try {
      const out = await this.#client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
      results = out.Entries ?? [];
    } catch (error) {
      const e = error as Error;
      const code = e.name || 'Error';
      if (isRetryableRequestError(error)) {
        for (const pending of batch) retry.push({ pending, code, message: e.message });
        return;
      }
      for (const pending of batch) {
        for (const index of pending.copies)
          failed.push({ index, code, message: e.message, retryable: false, identity: pending.identity });
      }
      return;
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result?.EventId) {
        for (const index of pending.copies)
          published.push({ index, eventId: result.EventId, identity: pending.identity });
        return;
      }
      // No answer for the entry means its fate is unknown: sending again is safe, Herald dedupes.
      const code = result?.ErrorCode ?? 'InternalFailure';
      const message = result?.ErrorMessage ?? 'EventBridge answered nothing for this entry';
      if (RETRYABLE_ENTRY_CODES.has(code) || result === undefined) {
        retry.push({ pending, code, message });
        return;
      }
      for (const index of pending.copies)
        failed.push({ index, code, message, retryable: false, identity: pending.identity });
    });
  }
}
