/**
 * The one price table: AWS us-east-1 on-demand list prices, in USD. Cost reports, the benchmark
 * and the capacity plan all read these numbers from here.
 */
export const prices = {
  /** SNS mobile push notifications, per publish. */
  snsMobilePush: 0.5 / 1e6,
  /** SQS standard queue, per request; each 64 KB chunk of a payload is billed as one request. */
  sqsRequest: 0.4 / 1e6,
  /** DynamoDB on-demand, per write request unit. */
  dynamodbWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, per read request unit. */
  dynamodbReadUnit: 0.125 / 1e6,
  /** Lambda, per invocation. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda on arm64, per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** EventBridge custom events, per event published. */
  eventBridgeEvent: 1.0 / 1e6,
  /**
   * Amazon Data Firehose Direct PUT ingestion, per GB (first 500 TB a month), each record rounded
   * up to the next 5 KB (`firehoseBillableBytes`). Source: https://aws.amazon.com/firehose/pricing/
   */
  firehoseIngestionGb: 0.029,
  /** S3 Standard storage, per GB-month (first 50 TB). Source: https://aws.amazon.com/s3/pricing/ */
  s3StorageGbMonth: 0.023,
  /** S3 Standard PUT (and COPY, POST, LIST) requests, per request. Source: as above. */
  s3PutRequest: 0.005 / 1e3,
  /**
   * Athena SQL queries, per TB scanned, rounded up to the MB with a 10 MB minimum per query
   * (`athenaBillableBytes`). Source: https://aws.amazon.com/athena/pricing/
   */
  athenaScannedTb: 5.0,
} as const;

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
}

export const emptyUsage = (): Usage => ({
  snsPublishes: 0,
  sqsRequests: 0,
  dynamodbWriteUnits: 0,
  dynamodbReadUnits: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  eventBridgeEvents: 0,
});

export const addUsage = (a: Usage, b: Partial<Usage>): Usage => {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof Usage, number][]) sum[key] += value;
  return sum;
};

/** What the usage costs, per AWS service and in total. */
export const costOf = (usage: Usage) => {
  const byService = {
    sns: usage.snsPublishes * prices.snsMobilePush,
    sqs: usage.sqsRequests * prices.sqsRequest,
    dynamodb:
      usage.dynamodbWriteUnits * prices.dynamodbWriteUnit + usage.dynamodbReadUnits * prices.dynamodbReadUnit,
    lambda: usage.lambdaInvocations * prices.lambdaRequest + usage.lambdaGbSeconds * prices.lambdaGbSecond,
    eventbridge: usage.eventBridgeEvents * prices.eventBridgeEvent,
  };
  return { byService, total: Object.values(byService).reduce((a, b) => a + b, 0) };
};

/** SQS bills every 64 KB chunk of a payload as one request. */
export const sqsBillableRequests = (payloadBytes: number): number =>
  Math.max(1, Math.ceil(payloadBytes / 65_536));
