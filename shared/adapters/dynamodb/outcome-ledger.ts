import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { TRANSACTION_UNITS_PER_ITEM, usageUnits } from '../../domain/costs/price-table.ts';
import { type UnitUsage, usageByCounter } from '../../domain/costs/usage-counters.ts';
import type { Outcome, OutcomeCount, OutcomeLedger, ScopeSummary } from '../../domain/outcomes/outcome.ts';
import {
  counterShardOf,
  OUTCOME_COUNTER_SHARDS,
  summarise,
  summariseByVariant,
} from '../../domain/outcomes/outcome.ts';
import { isTransactionConditionFailure } from './errors.ts';

/** Batch markers outlive any redelivery of the work they close. */
const MARKER_SECONDS = 14 * 86_400;
/** DynamoDB transactions hold at most 100 items; one is the batch marker. */
const MAX_COUNTS = 99;

/**
 * The update that adds usage to a scope's counters: one item per (scope, day, shard, variant),
 * sk `usage#<variant>`, every billed unit an attribute (`snsPublishes`, `dynamodbWriteUnits`...)
 * added to, so a batch adds one item per variant it served whatever the services it used.
 */
export const usageUpdate = (
  table: string,
  key: { pk: string; sk: string },
  fields: Record<string, string>,
  usage: Readonly<Record<string, number>>,
) => {
  const units = usageUnits.filter((u) => (usage[u] ?? 0) !== 0);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds = units.map((u, i) => {
    names[`#u${i}`] = u;
    values[`:u${i}`] = usage[u];
    return `#u${i} :u${i}`;
  });
  const sets = Object.entries(fields).map(([field, value], i) => {
    names[`#f${i}`] = field;
    values[`:f${i}`] = value;
    return `#f${i} = :f${i}`;
  });
  return {
    TableName: table,
    Key: key,
    UpdateExpression: `${adds.length > 0 ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

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
  readonly #businessOf: (scope: string) => string;

  /** `businessOf` names the business of a recipe or campaign, stored with its usage. */
  constructor(
    client: DynamoDBDocumentClient,
    tables: { outcomes: string; ledger: string },
    now: () => Date,
    businessOf: (scope: string) => string = () => 'unknown',
  ) {
    this.#client = client;
    this.#outcomesTable = tables.outcomes;
    this.#ledgerTable = tables.ledger;
    this.#now = now;
    this.#businessOf = businessOf;
  }

  async record(
    batchId: string,
    counts: readonly OutcomeCount[],
    usage?: UnitUsage,
  ): Promise<'recorded' | 'already-recorded'> {
    const usageShares = usage ? usageByCounter(counts, usage) : [];
    if (counts.length + usageShares.length > MAX_COUNTS)
      throw new Error(
        `outcome batch ${batchId}: ${counts.length + usageShares.length} counters, at most ${MAX_COUNTS}`,
      );
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
    // The transaction's own write units are known before it runs: each item bills two.
    const items = 1 + increments.length + usageShares.length;
    const ownUnits = usageShares.length > 0 ? (TRANSACTION_UNITS_PER_ITEM * items) / usageShares.length : 0;
    const usageIncrements = usageShares.map((share) => ({
      Update: usageUpdate(
        this.#outcomesTable,
        { pk: `${share.scope}#${share.day}#${shard}`, sk: `usage#${share.variant}` },
        {
          scope: share.scope,
          day: share.day,
          variant: share.variant,
          business: this.#businessOf(share.scope),
        },
        { ...share.usage, dynamodbWriteUnits: share.usage.dynamodbWriteUnits + ownUnits },
      ),
    }));
    try {
      await this.#client.send(
        new TransactWriteCommand({ TransactItems: [marker, ...increments, ...usageIncrements] }),
      );
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

  /** Queries each counter item of (scope, day): OUTCOME_COUNTER_SHARDS keys a day, read in parallel. */
  async summaryOf(scope: string, days: readonly string[]): Promise<ScopeSummary | undefined> {
    const keys = [...new Set(days)].flatMap((day) =>
      Array.from({ length: OUTCOME_COUNTER_SHARDS }, (_, shard) => `${scope}#${day}#${shard}`),
    );
    const pages = await Promise.all(
      keys.map((pk) =>
        this.#readCounts((start) =>
          this.#client.send(
            new QueryCommand({
              TableName: this.#outcomesTable,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
              ExclusiveStartKey: start,
            }),
          ),
        ),
      ),
    );
    return summarise(pages.flat())[scope];
  }

  #scanCounts(): Promise<OutcomeCount[]> {
    return this.#readCounts((start) =>
      this.#client.send(new ScanCommand({ TableName: this.#outcomesTable, ExclusiveStartKey: start })),
    );
  }

  /** The outcome counters of every page `read` returns (usage items are skipped). */
  async #readCounts(
    read: (
      start: Record<string, unknown> | undefined,
    ) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>,
  ): Promise<OutcomeCount[]> {
    const counts: OutcomeCount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await read(start);
      for (const item of out.Items ?? []) {
        if (item.outcome === undefined) continue;
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
