import { emptyUsage, type Usage } from './price-table.ts';

/**
 * What one delivered push uses, as `npm run bench` measures the pipeline (2.05 billable requests
 * a push): the SNS publish, the fatigue reservation, and each push's share of the job-level
 * requests (queues, checkpoints, outcome records, device reads) and of Lambda. Estimates before
 * a send (a campaign's dry run) use it; reports use what was measured.
 */
export const usagePerDeliveredPush: Usage = {
  ...emptyUsage(),
  snsPublishes: 1,
  dynamodbWriteUnits: 1.03,
  dynamodbReadUnits: 0.02,
  sqsRequests: 0.01,
  lambdaInvocations: 0.004,
  lambdaGbSeconds: 0.002,
};

/** A Scan reads about 1 KB a user holding devices, billed 0.5 read units per 4 KB. */
export const scanReadUnitsPerUser = 0.125;
