import { userInfo } from 'node:os';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsPortBuilders, type ResourceNames, resourceNamesOf } from '../adapters/aws-ports.ts';
import { documentClient } from '../adapters/dynamodb/document-client.ts';
import { FileUserLists } from '../adapters/lists/file-user-lists.ts';
import type { Clock } from '../domain/clock.ts';
import { defaultPolicy } from '../domain/fatigue/policy.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import { defaultCatalog } from '../domain/recipes/default-catalog.ts';
import { localCredentials, localRegion } from '../local/engines.ts';
import { watchedLaunches } from '../local/local-campaigns.ts';
import {
  type CampaignActionDeps,
  type CampaignRequest,
  runCampaignAction,
} from '../use-cases/campaign-actions.ts';
import type { CampaignTransport } from './campaign-transport.ts';
import { type RuntimeFile, readRuntimeFile } from './runtime-file.ts';

/** No runtime to talk to, or one that cannot run campaigns: a one-line message, exit code 1. */
export class NoLocalRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoLocalRuntimeError';
  }
}

/** Who takes an action locally: the person at the terminal, by their OS user name. */
export const localOperator = (): string => {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
};

/**
 * Holds asked for from outside the runtime: the runtime keeps its holds in its own memory, so a
 * resumed job whose slot is later goes to the delivery queue at once, and the runtime's delivery
 * worker holds it there until its slot (gateCampaignJob defers a campaign job that is early, by
 * the same slot and pause the resume computed).
 */
const heldByTheRuntime = (delivery: CampaignActionDeps['delivery']): HoldScheduler => ({
  hold: async (jobs: readonly DeliveryJob[]) => delivery.send(jobs),
});

const namesOf = (runtime: RuntimeFile & { queues: Record<string, string> }): ResourceNames => {
  const table = (id: string) => {
    const name = runtime.tables[id];
    if (!name)
      throw new NoLocalRuntimeError(`the running runtime has no ${id} table; restart \`herald start\``);
    return name;
  };
  const queue = (id: string) => runtime.queues[id] ?? '';
  return resourceNamesOf(table, queue);
};

/**
 * The running local runtime as a campaign transport: the CLI runs the campaign use cases itself
 * on the runtime's tables and queues (`.herald/runtime.json` names them), on the runtime's clock,
 * and the runtime's workers do the rest, as the campaign function and the workers do on AWS.
 */
export const localCampaigns = async (cwd = process.cwd()): Promise<CampaignTransport> => {
  const runtime = await readRuntimeFile(cwd);
  if (!runtime)
    throw new NoLocalRuntimeError(
      'no local runtime is running here: start one with `herald start` (it writes .herald/runtime.json), or use --aws',
    );
  const { sqsEndpoint, queues } = runtime;
  if (!sqsEndpoint || !queues)
    throw new NoLocalRuntimeError('the running runtime predates campaigns: restart `herald start`');
  const offset = runtime.clockOffsetMs ?? 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  const common = { region: localRegion, credentials: localCredentials };
  const dynamodb = documentClient({ ...common, endpoint: runtime.dynamodbEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: sqsEndpoint });
  const ports = awsPortBuilders(
    namesOf({ ...runtime, queues }),
    { dynamodb, sqs },
    clock.now,
    defaultCatalog,
  );
  const delivery = ports.delivery();
  const campaigns = ports.campaigns();
  const deviceHolders = ports.deviceHolders();
  if (!campaigns || !deviceHolders) throw new Error('the campaign store and device holders are not wired');
  const deps: CampaignActionDeps = {
    campaigns,
    clock,
    // The runtime launches later runs itself when its clock gets there (local-campaigns.ts).
    launches: watchedLaunches,
    fanout: ports.fanout(),
    relations: ports.relations(),
    delivery,
    holds: heldByTheRuntime(delivery),
    outcomes: ports.outcomes(),
    // A dry run reads the audience as the runtime's readers will: `herald start` runs the default policy.
    deviceHolders,
    userLists: new FileUserLists(),
    devices: ports.devices(),
    users: ports.users(),
    policy: defaultPolicy,
  };
  const by = localOperator();
  return {
    target: `the local runtime (${runtime.dynamodbEndpoint})`,
    send: async (request: CampaignRequest) => {
      try {
        return await runCampaignAction(request, by, deps);
      } catch (error) {
        // DynamoDB Local keeps its tables in memory: a stopped runtime left its file behind.
        if ((error as { code?: string }).code === 'ECONNREFUSED')
          throw new NoLocalRuntimeError(
            `the local runtime at ${runtime.dynamodbEndpoint} is not answering: is \`herald start\` still running?`,
          );
        throw error;
      }
    },
    close: () => {
      dynamodb.destroy();
      sqs.destroy();
    },
  };
};
