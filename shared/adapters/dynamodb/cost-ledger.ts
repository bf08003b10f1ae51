import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Usage } from '../../domain/costs/price-table.ts';
import {
  type CostLedger,
  type CostRecords,
  type DayRange,
  type DeliveredCount,
  inRange,
  type UsageCounter,
  usageFromItem,
} from '../../domain/costs/usage-counters.ts';
import { counterShardOf } from '../../domain/outcomes/outcome.ts';
import { usageUpdate } from './outcome-ledger.ts';

/** One UpdateItem of a small item bills one write unit. */
const OWN_WRITE_UNITS = 1;

/**
 * Usage counters on the outcomes table, beside the outcome counters: overhead lines
 * (`overhead#<line>#<day>`, sk `usage`) and usage a scope gathered outside a batch; the batches'
 * own usage is written by the outcome ledger in their transaction. Reports read both, and the
 * delivered counts, in one scan.
 */
export class DynamoDbCostLedger implements CostLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #businessOf: (scope: string) => string;

  constructor(
    client: DynamoDBDocumentClient,
    outcomesTable: string,
    businessOf: (scope: string) => string = () => 'unknown',
  ) {
    this.#client = client;
    this.#table = outcomesTable;
    this.#businessOf = businessOf;
  }

  async addOverhead(line: string, day: string, usage: Usage): Promise<void> {
    await this.#client.send(
      new UpdateCommand(
        usageUpdate(
          this.#table,
          { pk: `overhead#${line}#${day}`, sk: 'usage' },
          { line, day },
          { ...usage, dynamodbWriteUnits: usage.dynamodbWriteUnits + OWN_WRITE_UNITS },
        ),
      ),
    );
  }

  async addScopeUsage(scope: string, day: string, usage: Usage): Promise<void> {
    const shard = counterShardOf(randomUUID());
    await this.#client.send(
      new UpdateCommand(
        usageUpdate(
          this.#table,
          { pk: `${scope}#${day}#${shard}`, sk: 'usage#-' },
          { scope, day, variant: '-', business: this.#businessOf(scope) },
          { ...usage, dynamodbWriteUnits: usage.dynamodbWriteUnits + OWN_WRITE_UNITS },
        ),
      ),
    );
  }

  async records(range: DayRange = {}): Promise<CostRecords> {
    const usage: UsageCounter[] = [];
    const delivered: DeliveredCount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new ScanCommand({ TableName: this.#table, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        const day = item.day as string;
        if (!inRange(day, range)) continue;
        if (item.sk === 'usage' && typeof item.line === 'string') {
          usage.push({
            kind: 'overhead',
            name: item.line,
            day,
            variant: '',
            business: 'overhead',
            usage: usageFromItem(item),
          });
        } else if (String(item.sk).startsWith('usage#')) {
          usage.push({
            kind: 'scope',
            name: item.scope as string,
            day,
            variant: item.variant as string,
            business: (item.business as string | undefined) ?? 'unknown',
            usage: usageFromItem(item),
          });
        } else if (item.outcome === 'delivered') {
          delivered.push({
            scope: item.scope as string,
            day,
            variant: item.variant as string,
            count: item.count as number,
          });
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { usage, delivered };
  }
}
