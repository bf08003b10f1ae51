/**
 * Figures of the realistic mix that the pipeline benchmark does not have: what the fatigue items
 * weigh once a run is over (a write costs one unit per KB of the larger of the item before and
 * after), the cost with the Ledger table provisioned, and latency percentiles.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { costOf, emptyUsage, prices, pricesFor, type Usage } from '../shared/domain/costs/price-table.ts';
import { dynamoDbItemBytes } from './measuring-ports.ts';

/** Utilisation the provisioned Ledger table is priced at: auto scaling's usual 70% target. */
export const PROVISIONED_UTILISATION = 0.7;

export interface FatigueItemSizes {
  readonly items: number;
  readonly p50Bytes: number;
  readonly p90Bytes: number;
  readonly p99Bytes: number;
  readonly maxBytes: number;
  /** Items over 1 KB: their every write costs two units or more. */
  readonly over1KbShare: number;
  /** How many items fall in each size band (upper bound in bytes, inclusive). */
  readonly histogram: Record<string, number>;
  /** The write units one more update of an item costs, averaged over the items. */
  readonly meanWriteUnitsPerUpdate: number;
  /** The same for the heaviest users (at or near their week's cap), the case the budget is set for. */
  readonly heavyUsers: {
    readonly items: number;
    readonly maxBytes: number;
    readonly meanWriteUnitsPerUpdate: number;
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export const latencyOf = (samplesMs: readonly number[]) => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    pushes: sorted.length,
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    maxMs: Math.round(sorted.at(-1) ?? 0),
  };
};

const BANDS = [256, 512, 768, 1024, 1536, 2048, 4096];
export const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Reads every calendar fatigue item of the Ledger table and sizes it as DynamoDB does. */
export const fatigueItemSizes = async (
  client: DynamoDBDocumentClient,
  table: string,
  isHeavy: (userId: string) => boolean,
): Promise<FatigueItemSizes> => {
  const sizes: number[] = [];
  const heavy: number[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :fatigue)',
        ExpressionAttributeValues: { ':fatigue': 'fatigue#' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const pk = String(item.pk);
      if (pk.endsWith('#rolling') || pk.startsWith('fatigue#template-')) continue;
      const bytes = dynamoDbItemBytes(item);
      sizes.push(bytes);
      if (isHeavy(pk.split('#')[1]!)) heavy.push(bytes);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  sizes.sort((a, b) => a - b);
  const histogram: Record<string, number> = {};
  for (const band of [...BANDS, Number.POSITIVE_INFINITY])
    histogram[band === Infinity ? 'more' : `<=${band}`] = 0;
  for (const bytes of sizes) {
    const band = BANDS.find((b) => bytes <= b);
    histogram[band === undefined ? 'more' : `<=${band}`]!++;
  }
  const meanUnits = (list: readonly number[]) =>
    list.length === 0 ? 0 : Number((list.reduce((n, b) => n + writeUnitsOf(b), 0) / list.length).toFixed(3));
  return {
    items: sizes.length,
    p50Bytes: percentile(sizes, 50),
    p90Bytes: percentile(sizes, 90),
    p99Bytes: percentile(sizes, 99),
    maxBytes: sizes.at(-1) ?? 0,
    over1KbShare: Number((sizes.filter((b) => b > 1024).length / Math.max(1, sizes.length)).toFixed(4)),
    histogram,
    meanWriteUnitsPerUpdate: meanUnits(sizes),
    heavyUsers: {
      items: heavy.length,
      maxBytes: Math.max(0, ...heavy),
      meanWriteUnitsPerUpdate: meanUnits(heavy),
    },
  };
};

/**
 * The cost of `usage` with the Ledger table provisioned: its share of the DynamoDB units (measured
 * per table) priced per capacity unit-hour at `PROVISIONED_UTILISATION`, the rest on demand.
 */
export const costWithProvisionedLedger = (usage: Usage, ledgerShare: { read: number; write: number }) => {
  const onDemand = costOf(usage);
  const provisioned = pricesFor({ capacity: { mode: 'provisioned', utilisation: PROVISIONED_UTILISATION } });
  const ledgerWrites = usage.dynamodbWriteUnits * ledgerShare.write;
  const ledgerReads = usage.dynamodbReadUnits * ledgerShare.read;
  const saved =
    ledgerWrites * (prices.dynamodbWriteUnit - provisioned.dynamodbWriteUnit) +
    ledgerReads * (prices.dynamodbReadUnit - provisioned.dynamodbReadUnit);
  return {
    byService: { ...onDemand.byService, dynamodb: onDemand.byService.dynamodb - saved },
    total: onDemand.total - saved,
  };
};

/** `usage` less `part` of it (the one-off relation moves of a promotion). */
export const usageLess = (usage: Usage, part: Usage): Usage => {
  const rest = emptyUsage();
  for (const key of Object.keys(rest) as (keyof Usage)[]) rest[key] = usage[key] - part[key];
  return rest;
};

/**
 * The floor of a mix per million delivered pushes: the SNS publishes it made (a disabled phone
 * or a throttle is only learnt by publishing) and one write unit per recipient judged against
 * the caps (counted or refused), at list prices, on demand and with the Ledger provisioned. No
 * design that checks every cap at once for each recipient goes below it on the same mix.
 */
export const costFloor = (snsPublishes: number, reservations: number, deliveredPushes: number) => {
  const provisioned = pricesFor({ capacity: { mode: 'provisioned', utilisation: PROVISIONED_UTILISATION } });
  const perMillion = (usd: number) => Number(((usd / Math.max(1, deliveredPushes)) * 1e6).toFixed(4));
  const sns = snsPublishes * prices.snsMobilePush;
  return {
    onDemand: perMillion(sns + reservations * prices.dynamodbWriteUnit),
    provisionedLedger: perMillion(sns + reservations * provisioned.dynamodbWriteUnit),
  };
};
