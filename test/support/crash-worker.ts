/**
 * A delivery worker in a process of its own, for a test to kill with SIGKILL mid-job.
 *
 *   node test/support/crash-worker.ts '<CrashWorkerConfig as JSON>'
 *
 * It runs the real delivery worker handler on one SQS record carrying `job`, with every storage
 * and queue port on the given local engines (as on AWS), and a push gateway that takes its time
 * and appends one line (the endpoint ARN) to `publishLog` per publish it accepted: an append is
 * a write the kernel keeps when the process is killed, so the file is what was pushed. After
 * `gateAfter` publishes the gateway stops answering, so the kill always finds the job unfinished
 * with publishes in flight, however loaded the machine.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { awsPorts, type ResourceNames } from '../../shared/adapters/aws-ports.ts';
import { documentClient } from '../../shared/adapters/dynamodb/document-client.ts';
import { systemClock } from '../../shared/domain/clock.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import type { DeliveryJob } from '../../shared/domain/push/delivery-job.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { functionSizing } from '../../shared/resources/functions.ts';
import { RecordingGateway } from './recording-gateway.ts';
import { sqsRecord } from './sqs-records.ts';

export interface CrashWorkerConfig {
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly names: ResourceNames;
  readonly job: DeliveryJob;
  /** File that gets one line per accepted publish. */
  readonly publishLog: string;
  /** Time each publish takes, in milliseconds. */
  readonly latencyMs: number;
  /** Publishes after which the gateway hangs. */
  readonly gateAfter: number;
}

const config = JSON.parse(process.argv[2]!) as CrashWorkerConfig;
const common = { region: localRegion, credentials: localCredentials };

let accepted = 0;
const gateway = new RecordingGateway(async (endpointArn) => {
  if (accepted >= config.gateAfter) await sleep(10 * 60_000);
  await sleep(config.latencyMs);
  appendFileSync(config.publishLog, `${endpointArn}\n`);
  accepted++;
});
const ports = awsPorts(
  config.names,
  {
    dynamodb: documentClient({ ...common, endpoint: config.dynamodbEndpoint }),
    sqs: new SQSClient({ ...common, endpoint: config.sqsEndpoint }),
  },
  {
    gateway,
    holds: new LocalHoldScheduler(),
    catalog: defaultCatalog(),
    policy: defaultPolicy,
    clock: systemClock,
  },
);

// A Lambda invocation's clock: its lease lasts the function's timeout (plus the runner's margin).
const deadline = Date.now() + functionSizing.deliveryWorker.timeoutSeconds * 1000;
const context = { ...localContext('delivery-worker'), getRemainingTimeInMillis: () => deadline - Date.now() };
const worker = createDeliveryWorker(() => ports);
const response = await worker({ Records: [sqsRecord(JSON.stringify(config.job), 'crash-1')] }, context);
console.log(JSON.stringify(response));
process.exit(0);
