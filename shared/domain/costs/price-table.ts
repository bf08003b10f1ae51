/**
 * The one price table: AWS list prices in USD, one table per region (data, not code), with the
 * DynamoDB capacity mode a bill depends on. Cost reports, the benchmark and the capacity plan
 * all read their numbers from here. Free tiers are ignored: every unit is priced as billed once
 * the free tier is spent, so small accounts see an upper bound of their bill.
 */
export interface RegionPrices {
  /** SNS mobile push notifications, per publish. */
  readonly snsMobilePush: number;
  /** SQS standard queue, per request; each 64 KB chunk of a payload is billed as one request. */
  readonly sqsRequest: number;
  /** DynamoDB on-demand, per write request unit. */
  readonly dynamodbWriteUnit: number;
  /** DynamoDB on-demand, per read request unit. */
  readonly dynamodbReadUnit: number;
  /** DynamoDB provisioned, per write capacity unit-hour. */
  readonly dynamodbWriteCapacityHour: number;
  /** DynamoDB provisioned, per read capacity unit-hour. */
  readonly dynamodbReadCapacityHour: number;
  /** Lambda, per invocation. */
  readonly lambdaRequest: number;
  /** Lambda on arm64, per GB-second. */
  readonly lambdaGbSecond: number;
  /** EventBridge custom events, per event published: each 64 KB chunk of an entry is billed as one event. */
  readonly eventBridgeEvent: number;
  /** EventBridge Scheduler, per invocation (a held push released after more than 15 minutes). */
  readonly schedulerInvocation: number;
  /**
   * Amazon Data Firehose Direct PUT ingestion, per GB (first 500 TB a month), each record rounded
   * up to the next 5 KB (`firehoseBillableBytes`). Source: https://aws.amazon.com/firehose/pricing/
   */
  readonly firehoseIngestionGb: number;
  /** S3 Standard storage, per GB-month (first 50 TB). Source: https://aws.amazon.com/s3/pricing/ */
  readonly s3StorageGbMonth: number;
  /** S3 Standard PUT (and COPY, POST, LIST) requests, per request. Source: as above. */
  readonly s3PutRequest: number;
  /**
   * Athena SQL queries, per TB scanned, rounded up to the MB with a 10 MB minimum per query
   * (`athenaBillableBytes`). Source: https://aws.amazon.com/athena/pricing/
   */
  readonly athenaScannedTb: number;
}

/** List prices per region, checked against the AWS pricing pages (2025, after DynamoDB's on-demand cut of November 2024). */
export const regionPrices = {
  'us-east-1': {
    snsMobilePush: 0.5 / 1e6,
    sqsRequest: 0.4 / 1e6,
    dynamodbWriteUnit: 0.625 / 1e6,
    dynamodbReadUnit: 0.125 / 1e6,
    dynamodbWriteCapacityHour: 0.00065,
    dynamodbReadCapacityHour: 0.00013,
    lambdaRequest: 0.2 / 1e6,
    lambdaGbSecond: 0.0000133334,
    eventBridgeEvent: 1.0 / 1e6,
    schedulerInvocation: 1.0 / 1e6,
    firehoseIngestionGb: 0.029,
    s3StorageGbMonth: 0.023,
    s3PutRequest: 0.005 / 1e3,
    athenaScannedTb: 5.0,
  },
  'eu-west-1': {
    snsMobilePush: 0.5 / 1e6,
    sqsRequest: 0.4 / 1e6,
    dynamodbWriteUnit: 0.7068 / 1e6,
    dynamodbReadUnit: 0.1413 / 1e6,
    dynamodbWriteCapacityHour: 0.000735,
    dynamodbReadCapacityHour: 0.000147,
    lambdaRequest: 0.2 / 1e6,
    lambdaGbSecond: 0.0000133334,
    eventBridgeEvent: 1.0 / 1e6,
    schedulerInvocation: 1.0 / 1e6,
    // Not checked against the eu-west-1 pages this session: us-east-1's list prices, to be confirmed.
    firehoseIngestionGb: 0.029,
    s3StorageGbMonth: 0.023,
    s3PutRequest: 0.005 / 1e3,
    athenaScannedTb: 5.0,
  },
} as const satisfies Record<string, RegionPrices>;

export type PricedRegion = keyof typeof regionPrices;
export const pricedRegions = Object.keys(regionPrices) as PricedRegion[];

/**
 * How DynamoDB is billed: per request (on-demand), or per capacity unit-hour (provisioned), where
 * a unit used at `utilisation` (0..1] costs its hourly price spread over the requests it served.
 */
export type CapacityMode =
  | { readonly mode: 'on-demand' }
  | { readonly mode: 'provisioned'; readonly utilisation: number };

export interface PricingOptions {
  readonly region?: PricedRegion;
  readonly capacity?: CapacityMode;
}

/** The assumptions every report states: us-east-1, on-demand, free tiers ignored. */
export const defaultPricing = {
  region: 'us-east-1',
  capacity: { mode: 'on-demand' },
} as const satisfies Required<PricingOptions>;

/** The prices of one region in one capacity mode, per billed unit. */
export const pricesFor = (options: PricingOptions = {}): RegionPrices => {
  const region = regionPrices[options.region ?? defaultPricing.region];
  const capacity = options.capacity ?? defaultPricing.capacity;
  if (capacity.mode === 'on-demand') return region;
  if (!(capacity.utilisation > 0 && capacity.utilisation <= 1))
    throw new RangeError(`provisioned utilisation must be in (0, 1], got ${capacity.utilisation}`);
  // A capacity unit serves one request a second: 3,600 an hour when fully used.
  return {
    ...region,
    dynamodbWriteUnit: region.dynamodbWriteCapacityHour / (3600 * capacity.utilisation),
    dynamodbReadUnit: region.dynamodbReadCapacityHour / (3600 * capacity.utilisation),
  };
};

/** us-east-1 on-demand prices: what the benchmark and the budgets in DESIGN.md are stated in. */
export const prices: RegionPrices = regionPrices['us-east-1'];

/** Bytes in the GB and TB of the prices above (binary units). */
export const GB = 1024 ** 3;
export const TB = 1024 ** 4;

/** Firehose bills each record's ingestion in 5 KB steps: a 3 KB record as 5 KB, a 12 KB one as 15 KB. */
export const firehoseBillableBytes = (recordBytes: number): number => Math.ceil(recordBytes / 5120) * 5120;

/** Athena bills a query's scan rounded up to the MB, 10 MB at least. */
export const athenaBillableBytes = (scannedBytes: number): number =>
  Math.max(10, Math.ceil(scannedBytes / 1024 ** 2)) * 1024 ** 2;

/** Billable usage, in the units AWS bills. */
export interface Usage {
  snsPublishes: number;
  sqsRequests: number;
  dynamodbWriteUnits: number;
  dynamodbReadUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  eventBridgeEvents: number;
  schedulerInvocations: number;
}

export const usageUnits = [
  'snsPublishes',
  'sqsRequests',
  'dynamodbWriteUnits',
  'dynamodbReadUnits',
  'lambdaInvocations',
  'lambdaGbSeconds',
  'eventBridgeEvents',
  'schedulerInvocations',
] as const satisfies readonly (keyof Usage)[];

export const emptyUsage = (): Usage => ({
  snsPublishes: 0,
  sqsRequests: 0,
  dynamodbWriteUnits: 0,
  dynamodbReadUnits: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  eventBridgeEvents: 0,
  schedulerInvocations: 0,
});

export const addUsage = (a: Usage, b: Partial<Usage>): Usage => {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof Usage, number][]) sum[key] += value ?? 0;
  return sum;
};

/**
 * What a recipe's work cost, as the benchmark models it: the requests the meter attributed to it
 * since `before`, one SNS publish per push, one EventBridge event, and its share of Lambda.
 */
export const recipeUsage = (
  metered: Usage,
  before: Usage,
  pushes: number,
  lambda: Pick<Usage, 'lambdaInvocations' | 'lambdaGbSeconds'>,
): Usage =>
  addUsage(
    {
      ...emptyUsage(),
      sqsRequests: metered.sqsRequests - before.sqsRequests,
      dynamodbWriteUnits: metered.dynamodbWriteUnits - before.dynamodbWriteUnits,
      dynamodbReadUnits: metered.dynamodbReadUnits - before.dynamodbReadUnits,
    },
    { snsPublishes: pushes, eventBridgeEvents: 1, ...lambda },
  );

/** Scales every unit, for a share of a unit's usage (a variant's part of a fan-out task). */
export const scaleUsage = (usage: Usage, factor: number): Usage => {
  const scaled = emptyUsage();
  for (const unit of usageUnits) scaled[unit] = usage[unit] * factor;
  return scaled;
};

/** Whether any unit is billed at all. */
export const isEmptyUsage = (usage: Partial<Usage>): boolean => Object.values(usage).every((v) => !v);

export type AwsService = 'sns' | 'sqs' | 'dynamodb' | 'lambda' | 'eventbridge' | 'scheduler';
export const awsServices: readonly AwsService[] = [
  'sns',
  'sqs',
  'dynamodb',
  'lambda',
  'eventbridge',
  'scheduler',
];

/** What the usage costs, per AWS service and in total (unrounded USD). */
export const costOf = (usage: Usage, table: RegionPrices = prices) => {
  const byService: Record<AwsService, number> = {
    sns: usage.snsPublishes * table.snsMobilePush,
    sqs: usage.sqsRequests * table.sqsRequest,
    dynamodb:
      usage.dynamodbWriteUnits * table.dynamodbWriteUnit + usage.dynamodbReadUnits * table.dynamodbReadUnit,
    lambda: usage.lambdaInvocations * table.lambdaRequest + usage.lambdaGbSeconds * table.lambdaGbSecond,
    eventbridge: usage.eventBridgeEvents * table.eventBridgeEvent,
    scheduler: (usage.schedulerInvocations ?? 0) * table.schedulerInvocation,
  };
  return { byService, total: Object.values(byService).reduce((a, b) => a + b, 0) };
};

/** DynamoDB bills a transaction two units per item (per KB written, per 4 KB read). */
export const TRANSACTION_UNITS_PER_ITEM = 2;

/** EventBridge bills each 64 KB chunk of an entry (by its PutEvents size formula) as one event. */
export const eventBridgeBillableEvents = (entryBytes: number): number =>
  Math.max(1, Math.ceil(entryBytes / 65_536));

/** SQS bills every 64 KB chunk of a payload as one request. */
export const sqsBillableRequests = (payloadBytes: number): number =>
  Math.max(1, Math.ceil(payloadBytes / 65_536));
