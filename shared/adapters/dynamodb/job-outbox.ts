import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobOutbox } from '../../domain/audience/fanout-progress.ts';
import type { DeliveryJob } from '../../domain/push/delivery-job.ts';
import { batchGetByKey } from './batch-get.ts';

/** Kept jobs outlive any redelivery of the task that packed them, like the ledger's batch markers. */
const LIFETIME_SECONDS = 14 * 86_400;
const MAX_PUTS = 25;
const MAX_ATTEMPTS = 8;

const keyOf = (jobId: string) => `outbox#${jobId}`;

/**
 * The fan-out's job outbox in the Ledger table, one item per job (`outbox#<jobId>`, the job as
 * JSON). A page's jobs go in one BatchWriteItem; they are never deleted by hand (that would cost
 * a write per job), TTL removes them after two weeks.
 */
export class DynamoDbJobOutbox implements JobOutbox {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => number;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async keep(jobs: readonly DeliveryJob[]): Promise<void> {
    const expiresAt = Math.floor(this.#now() / 1000) + LIFETIME_SECONDS;
    for (let start = 0; start < jobs.length; start += MAX_PUTS) {
      let pending: Record<string, unknown>[] = jobs.slice(start, start + MAX_PUTS).map((job) => ({
        PutRequest: { Item: { pk: keyOf(job.jobId), job: JSON.stringify(job), expiresAt } },
      }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS)
          throw new Error(
            `BatchWriteItem on ${this.#tableName}: jobs still unprocessed after ${MAX_ATTEMPTS} attempts`,
          );
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
        const out = await this.#client.send(
          new BatchWriteCommand({ RequestItems: { [this.#tableName]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[this.#tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async jobsOf(jobIds: readonly string[]): Promise<DeliveryJob[]> {
    if (jobIds.length === 0) return [];
    // Read only when a task resumes, and an open held job is rewritten as it grows: consistently,
    // so that a resumed copy never reads a body older than its checkpoint.
    const items = await batchGetByKey(this.#client, this.#tableName, jobIds.map(keyOf), 'pk', true);
    return jobIds.flatMap((id) => {
      const item = items.get(keyOf(id));
      return item ? [JSON.parse(item.job as string) as DeliveryJob] : [];
    });
  }
}
