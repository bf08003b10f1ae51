import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** Messages per invocation, as the event source mapping's BatchSize. */
  readonly batchSize?: number;
  /** Invocations at once, as the mapping's maximum concurrency. */
  readonly concurrency?: number;
  /**
   * Locally a failed message comes back after this many seconds instead of the queue's full
   * visibility timeout, so a simulation does not wait minutes for a retry.
   */
  readonly retryAfterSeconds?: number;
  readonly onError?: (error: unknown) => void;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId!,
  receiptHandle: message.ReceiptHandle!,
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

/**
 * The local stand-in for a Lambda SQS event source mapping: long-polls the queue, hands the
 * handler real `SQSEvent` batches, deletes what succeeded and honours `batchItemFailures`. A
 * handler that throws fails the whole batch, as on Lambda.
 */
export class SqsPoller {
  readonly #client: SQSClient;
  readonly #options: PollerOptions;
  #running = false;
  #lanes: Promise<void>[] = [];
  #busy = 0;
  invocations = 0;
  /** Time spent in the handler, for Lambda duration (GB-second) estimates. */
  handlerMs = 0;

  constructor(client: SQSClient, options: PollerOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** True while a batch is being handled. */
  get busy(): boolean {
    return this.#busy > 0;
  }

  start(): void {
    this.#running = true;
    this.#lanes = Array.from({ length: this.#options.concurrency ?? 2 }, () => this.#lane());
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.allSettled(this.#lanes);
  }

  async #lane(): Promise<void> {
    while (this.#running) {
      try {
        await this.#pollOnce();
      } catch (error) {
        this.#options.onError?.(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async #pollOnce(): Promise<void> {
    const { queueUrl, queueArn, handler } = this.#options;
    const out = await this.#client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.#options.batchSize ?? 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
    this.#busy++;
    try {
      this.invocations++;
      let failed: Set<string>;
      const started = performance.now();
      try {
        const response = await handler({ Records: messages.map((m) => toRecord(m, queueArn)) });
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        this.#options.onError?.(error);
        failed = new Set(messages.map((m) => m.MessageId!));
      } finally {
        this.handlerMs += performance.now() - started;
      }
      await this.#settle(messages, failed);
    } finally {
      this.#busy--;
    }
  }

  async #settle(messages: Message[], failed: Set<string>): Promise<void> {
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    const retry = messages.filter((m) => failed.has(m.MessageId!));
    if (done.length > 0) {
      await this.#client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    if (retry.length > 0 && this.#options.retryAfterSeconds !== undefined) {
      await this.#client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: retry.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: this.#options.retryAfterSeconds,
          })),
        }),
      );
    }
  }
}
