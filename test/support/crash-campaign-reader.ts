/**
 * A campaign reader (the fan-out worker on one reader task of a campaign run) in a process of
 * its own, for a test to kill with SIGKILL mid-reading.
 *
 *   node test/support/crash-campaign-reader.ts '<CrashReaderConfig as JSON>'
 *
 * It runs the real fan-out worker handler on one SQS record carrying `task`, every storage and
 * queue port on the given local engines (as on AWS), its clock stopped at `at`, reading pages of
 * `pageSize` users. Its holds are lines appended to `holdLog` (FileHolds); after `gateAfter`
 * held jobs the next hold never returns, so the kill always finds the reader part-way through
 * a page's holds, however loaded the machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createFanoutWorker } from '../../functions/fanout-worker/handler.ts';
import { awsPorts, type ResourceNames } from '../../shared/adapters/aws-ports.ts';
import { documentClient } from '../../shared/adapters/dynamodb/document-client.ts';
import type { FanoutTask } from '../../shared/domain/audience/fanout-task.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { watchedLaunches } from '../../shared/local/local-campaigns.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { functionSizing } from '../../shared/resources/functions.ts';
import { FileHolds } from './file-holds.ts';
import { RecordingGateway } from './recording-gateway.ts';
import { sqsRecord } from './sqs-records.ts';

export interface CrashReaderConfig {
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly names: ResourceNames;
  readonly task: FanoutTask;
  /** The reader's clock (ISO): the campaign run's start. */
  readonly at: string;
  readonly pageSize: number;
  /** File that gets one line per held job. */
  readonly holdLog: string;
  /** Held jobs after which the hold scheduler hangs. */
  readonly gateAfter: number;
}

const config = JSON.parse(process.argv[2]!) as CrashReaderConfig;
const common = { region: localRegion, credentials: localCredentials };

let held = 0;
const holds = new FileHolds(config.holdLog, async () => {
  if (held >= config.gateAfter) await sleep(10 * 60_000);
  held++;
});
const ports = {
  ...awsPorts(
    config.names,
    {
      dynamodb: documentClient({ ...common, endpoint: config.dynamodbEndpoint }),
      sqs: new SQSClient({ ...common, endpoint: config.sqsEndpoint }),
    },
    {
      gateway: new RecordingGateway(),
      holds,
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock: new ManualClock(new Date(config.at)),
      userLists: { page: async () => ({ userIds: [] }) },
      launches: watchedLaunches,
    },
  ),
  // Pages of the reader (FanOutDeps.pageSize): small, so the run has several.
  pageSize: config.pageSize,
};

// A Lambda invocation's clock: its lease lasts the function's timeout (plus the runner's margin).
const deadline = Date.now() + functionSizing.fanoutWorker.timeoutSeconds * 1000;
const context = { ...localContext('fanout-worker'), getRemainingTimeInMillis: () => deadline - Date.now() };
const worker = createFanoutWorker(() => ports);
const response = await worker({ Records: [sqsRecord(JSON.stringify(config.task), 'crash-1')] }, context);
console.log(JSON.stringify(response));
process.exit(0);
