import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../domain/ports.ts';
import { messageBodyOf } from './message-body.ts';

/** SQS takes at most 10 entries and 1 MiB per SendMessageBatch; 256 KB keeps batches cheap to bill. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 5;

/**
 * A work queue on SQS. Items are JSON messages sent in batches of up to ten; entries SQS fails
 * are retried with backoff, and an error is thrown only when they keep failing, so the caller's
 * own message is redelivered rather than anything being lost.
 */
export class SqsWorkQueue<T> implements WorkQueue<T> {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(items: readonly T[], options: { readonly delaySeconds?: number } = {}): Promise<void> {
    const delay = options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {};
    let batch: SendMessageBatchRequestEntry[] = [];
    let bytes = 0;
    for (const item of items) {
      const body = messageBodyOf(item);
      const size = Buffer.byteLength(body);
      if (batch.length === MAX_ENTRIES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        await this.#sendBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ Id: String(batch.length), MessageBody: body, ...delay });
      bytes += size;
    }
    if (batch.length > 0) await this.#sendBatch(batch);
  }

  async #sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.#client.send(
        new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: pending }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      const senderFault = (out.Failed ?? []).find((f) => f.SenderFault);
      if (senderFault)
        throw new Error(`SQS refused a message: ${senderFault.Code} ${senderFault.Message ?? ''}`);
      pending = pending.filter((e) => failed.has(e.Id));
      if (pending.length > 0 && attempt >= MAX_ATTEMPTS) {
        throw new Error(`SQS kept failing ${pending.length} messages after ${attempt} attempts`);
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
    }
  }
}
