import {
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Outcome, OutcomeCount, OutcomeLedger, ScopeSummary } from '../../domain/outcomes/outcome.ts';
import { counterShardOf, summarise, summariseByVariant } from '../../domain/outcomes/outcome.ts';
import { isTransactionConditionFailure } from './errors.ts';

/** Batch markers outlive any redelivery of the work they close. */
const MARKER_SECONDS = 14 * 86_400;
/** DynamoDB transactions hold at most 100 items; one is the batch marker. */
const MAX_COUNTS = 99;

/**
 * Outcome counters on DynamoDB. A batch's counters and its marker commit in one transaction:
 * either all counts of a task land exactly once, or none do and the redelivered task counts
 * again from scratch. Counters of a (scope, day) are spread over shards (`<scope>#<day>#<n>`),
 * one per batch, so concurrent jobs seldom meet on an item; readers sum them.
 */
export class DynamoDbOutcomeLedger implements OutcomeLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #outcomesTable: string;
  readonly #ledgerTable: string;
  readonly #now: () => Date;

  constructor(client: DynamoDBDocumentClient, tables: { outcomes: string; ledger: string }, now: () => Date) {
    this.#client = client;
    this.#outcomesTable = tables.outcomes;
    this.#ledgerTable = tables.ledger;
    this.#now = now;
  }

  async record(batchId: string, counts: readonly OutcomeCount[]): Promise<'recorded' | 'already-recorded'> {
    if (counts.length > MAX_COUNTS)
      throw new Error(`outcome batch ${batchId}: ${counts.length} counters, at most ${MAX_COUNTS}`);
    const marker = {
      Put: {
        TableName: this.#ledgerTable,
        Item: {
          pk: `outcomes#${batchId}`,
          expiresAt: Math.floor(this.#now().getTime() / 1000) + MARKER_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const shard = counterShardOf(batchId);
    const increments = counts.map((c) => ({
      Update: {
        TableName: this.#outcomesTable,
        Key: { pk: `${c.scope}#${c.day}#${shard}`, sk: `${c.variant}#${c.outcome}#${c.reason}` },
        UpdateExpression:
          'ADD #count :n SET #scope = :scope, #day = :day, variant = :variant, outcome = :outcome, reason = :reason',
        ExpressionAttributeNames: { '#count': 'count', '#scope': 'scope', '#day': 'day' },
        ExpressionAttributeValues: {
          ':n': c.count,
          ':scope': c.scope,
          ':day': c.day,
          ':variant': c.variant,
          ':outcome': c.outcome,
          ':reason': c.reason,
        },
      },
    }));
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: [marker, ...increments] }));
      return 'recorded';
    } catch (error) {
      if (isTransactionConditionFailure(error)) return 'already-recorded';
      throw error;
    }
  }

  async wasRecorded(batchId: string): Promise<boolean> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#ledgerTable,
        Key: { pk: `outcomes#${batchId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined;
  }

  /** All counters, summed per scope. A scan: for reports and simulations, not for hot paths. */
  async summary(): Promise<Record<string, ScopeSummary>> {
    return summarise(await this.#scanCounts());
  }

  /** All counters, summed per scope and variant. A scan, like `summary`. */
  async variantSummary(): Promise<Record<string, Record<string, ScopeSummary>>> {
    return summariseByVariant(await this.#scanCounts());
  }

  async #scanCounts(): Promise<OutcomeCount[]> {
    const counts: OutcomeCount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new ScanCommand({ TableName: this.#outcomesTable, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        counts.push({
          scope: item.scope as string,
          day: item.day as string,
          variant: item.variant as string,
          outcome: item.outcome as Outcome,
          reason: item.reason as string,
          count: item.count as number,
        });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return counts;
  }
}
