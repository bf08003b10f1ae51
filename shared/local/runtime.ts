import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { createFanoutWorker } from '../../functions/fanout-worker/handler.ts';
import { createPlanner } from '../../functions/planner/handler.ts';
import { createRelationWriter } from '../../functions/relation-writer/handler.ts';
import { PublisherActionBus } from '../adapters/eventbridge/publisher-action-bus.ts';
import { FileUserLists } from '../adapters/lists/file-user-lists.ts';
import { NdjsonMessageLog } from '../adapters/message-log/ndjson-message-log.ts';
import { LocalReceiptKeys } from '../adapters/receipts/local-keys.ts';
import { SqsRejectedEvents } from '../adapters/sqs/rejected-events.ts';
import { type ActionBus, type ActionEvent, noActionBus } from '../domain/actions/action-event.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import { signerFrom } from '../domain/engagement/receipt-keys.ts';
import { defaultPolicy, type FatiguePolicy } from '../domain/fatigue/policy.ts';
import type { RejectedEvent } from '../domain/ports.ts';
import { defaultCatalog } from '../domain/recipes/default-catalog.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import { busRules, conversionRules, type RuleTarget } from '../domain/routing/bus-rules.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { logger } from '../observability/logger.ts';
import { meteredInvocation, overhead, plannerMetering } from '../observability/metered-invocation.ts';
import { collectingSink, type EmfDocument, EmfMetrics, type EmfSink } from '../observability/metrics.ts';
import { requestMeter } from '../observability/request-meter.ts';
import { Publisher } from '../publisher/publisher.ts';
import { functionSizing } from '../resources/functions.ts';
import { deliveryQueue, fanoutQueue, undeliverableEventsQueue } from '../resources/queues.ts';
import { ensureCanaryRecipient } from '../use-cases/canary-recipient.ts';
import { recordConversion } from '../use-cases/record-conversion.ts';
import { LocalEventBus } from './bus/local-bus.ts';
import { servePutEvents } from './bus/put-events-server.ts';
import { DeviceSimulator, type SimulatorFaults } from './device-simulator.ts';
import { type LocalEngines, localCredentials, localRegion, startLocalEngines } from './engines.ts';
import { localContext } from './lambda-context.ts';
import { launchDueCampaigns, watchedLaunches } from './local-campaigns.ts';
import { LocalHoldScheduler } from './local-hold-scheduler.ts';
import { provisionLocalPorts } from './local-ports.ts';
import { serveReceipts } from './receipt-server.ts';
import { SqsPoller } from './sqs-poller.ts';

export interface LocalRuntimeOptions {
  readonly clock?: Clock;
  readonly catalog?: RecipeCatalog;
  readonly faults?: SimulatorFaults;
  readonly policy?: FatiguePolicy;
  /** Engines already running (tests share one pair); otherwise the runtime starts its own. */
  readonly engines?: LocalEngines;
  /** Port of the PutEvents endpoint; 0 picks a free one. */
  readonly busPort?: number;
  /** Port of the receipt endpoint; 0 picks a free one. */
  readonly receiptPort?: number;
  /** Where EMF documents go besides `metrics()` (`herald start --metrics`: stderr). */
  readonly metricsSink?: EmfSink;
  /** Where the runtime keeps its files (the message log under `messages/`); default: a fresh temp folder. */
  readonly dataDir?: string;
}

export interface LocalRuntime {
  readonly ports: HeraldPorts;
  readonly bus: LocalEventBus;
  /** Point an `EventBridgeClient` here to publish to the local bus. */
  readonly busEndpoint: string;
  readonly busName: string;
  /**
   * POST receipts here (`{"token", "kind"}`), as apps do to the Function URL. It accepts the
   * tokens `ports.receipts` signs: the key is made for this runtime and never leaves it.
   */
  readonly receiptEndpoint: string;
  readonly simulator: DeviceSimulator;
  /** Every event an emit action put on the bus (and the bus took), in order, with the runtime's time. */
  readonly emitted: readonly (ActionEvent & { readonly at: Date })[];
  /** Pushes held for quiet hours, on the runtime's clock. */
  readonly holds: LocalHoldScheduler;
  releaseDueHolds(): Promise<number>;
  /** Every EMF document the handlers flushed so far, as CloudWatch would receive them. */
  metrics(): readonly EmfDocument[];
  /** Lambda invocations and GB-seconds the local functions would have billed. */
  lambdaUsage(): { lambdaInvocations: number; lambdaGbSeconds: number };
  readonly engines: LocalEngines;
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Table names by definition id (`Outcomes`...), for tools that read them (`herald costs`). */
  readonly tableNames: Readonly<Record<string, string>>;
  readonly sqs: SQSClient;
  /** The runtime's data folder: `herald trace --data <dataDir>` reads its message log. */
  readonly dataDir: string;
  /** Resolves when no event, task or job is left anywhere in the pipeline. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DRAIN_POLL_MS = 25;
/** The simulator's canary phone: the canary user's only device. */
export const CANARY_DEVICE_TOKEN = 'fcm-token-herald-canary';

/**
 * Herald on one machine: DynamoDB Local and fauxqs, tables and queues from the shared
 * definitions, the local bus with the catalog's rules, the same Lambda handlers behind local
 * event source mappings, and a device simulator in place of SNS mobile push.
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const clock = options.clock ?? systemClock;
  const catalog = options.catalog ?? defaultCatalog();
  const ownEngines = options.engines === undefined;
  const engines = options.engines ?? (await startLocalEngines());
  const simulator = new DeviceSimulator(() => clock.now(), options.faults);
  const holds = new LocalHoldScheduler();
  const receiptKeys = new LocalReceiptKeys();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'herald-data-')));
  // Emit actions go through the bus's PutEvents endpoint, once it is up (below).
  let actions: ActionBus = noActionBus;
  const actionEvents: (ActionEvent & { at: Date })[] = [];
  const emitAndKeep = async (events: readonly ActionEvent[]) => {
    const results = await actions.emit(events);
    events.forEach((event, i) => {
      if (results[i]?.status === 'emitted') actionEvents.push({ ...event, at: clock.now() });
    });
    return results;
  };
  const local = await provisionLocalPorts(
    engines,
    {
      gateway: simulator,
      holds,
      catalog,
      policy: options.policy ?? defaultPolicy,
      clock,
      receipts: signerFrom(receiptKeys),
      messageLog: new NdjsonMessageLog(dataDir),
      userLists: new FileUserLists(),
      launches: watchedLaunches,
      actions: { emit: (events) => emitAndKeep(events) },
    },
    // TTL as on AWS only on the wall clock: see provisionTables.
    { timeToLive: options.clock === undefined },
  );
  const { ports, sqs, queueUrls } = local;
  const url = (id: string) => queueUrls[id]!;
  // The handlers' metrics, through the same decorators as on AWS, kept instead of printed.
  const emitted = collectingSink();
  const metrics = new EmfMetrics(emitted, ...(options.metricsSink ? [options.metricsSink] : []));
  await ensureCanaryRecipient({ platform: 'FCM', token: CANARY_DEVICE_TOKEN }, ports);

  // Metered as on AWS: units store their usage with their outcomes, overhead lines the rest.
  const planner = meteredInvocation(
    createPlanner(() => ports, metrics),
    plannerMetering(() => ports),
  );
  const relationWriter = meteredInvocation(
    createRelationWriter(() => ports, metrics),
    overhead('relation-writes', () => ports),
  );
  const busInvocations = { count: 0, gbSeconds: 0 };
  /** Runs a bus target as Lambda would, keeping count of invocations and GB-seconds. */
  const invoke = async (memoryMb: number, work: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await work();
    } finally {
      busInvocations.count++;
      busInvocations.gbSeconds += ((performance.now() - started) / 1000) * (memoryMb / 1024);
    }
  };
  const targets: Record<RuleTarget, (input: unknown) => Promise<void>> = {
    planner: (input) =>
      invoke(functionSizing.planner.memoryMb, () =>
        planner(input, localContext('planner', functionSizing.planner.memoryMb)),
      ),
    'relation-writer': (input) =>
      invoke(functionSizing.relationWriter.memoryMb, () =>
        relationWriter(input, localContext('relation-writer', functionSizing.relationWriter.memoryMb)),
      ),
    'rejected-events': (input) => ports.rejected.keep(input as RejectedEvent),
    conversion: async (input) => void (await recordConversion(input, ports)),
  };
  const undeliverable = new SqsRejectedEvents(sqs, url(undeliverableEventsQueue.id));
  const busName = 'herald-local';
  const bus = new LocalEventBus(
    [...busRules(catalog), ...conversionRules(catalog)].map((rule) => ({
      rule,
      deliver: targets[rule.target],
    })),
    {
      busName,
      clock,
      onUndeliverable: (rule, event, error) =>
        undeliverable.keep({ reason: `target of rule ${rule.name} kept failing: ${String(error)}`, event }),
    },
  );
  const { endpoint: busEndpoint, server } = await servePutEvents(bus, options.busPort ?? 0);
  const eventBridge = new EventBridgeClient({
    region: localRegion,
    credentials: localCredentials,
    endpoint: busEndpoint,
    maxAttempts: 1,
  });
  requestMeter.attach(eventBridge, 'eventbridge');
  actions = new PublisherActionBus(new Publisher({ client: eventBridge, eventBusName: busName }));
  const receiptServer = await serveReceipts(
    { keys: receiptKeys, outcomes: ports.outcomes, messageLog: ports.messageLog, clock },
    options.receiptPort ?? 0,
  );

  const arnOf = (queueUrl: string) => `arn:aws:sqs:${localRegion}:000000000000:${queueUrl.split('/').pop()}`;
  const costs = { costs: () => ports.costs };
  const fanoutWorker = meteredInvocation(
    createFanoutWorker(() => ports, metrics),
    costs,
  );
  const deliveryWorker = meteredInvocation(
    createDeliveryWorker(() => ports, metrics),
    costs,
  );
  const onError = (error: unknown) =>
    logger.error('local event source mapping failed', { error: error as Error });
  const pollers = [
    new SqsPoller(sqs, {
      queueUrl: url(fanoutQueue.id),
      queueArn: arnOf(url(fanoutQueue.id)),
      handler: (event) =>
        fanoutWorker(event, localContext('fanout-worker', functionSizing.fanoutWorker.memoryMb)),
      retryAfterSeconds: 1,
      onError,
    }),
    new SqsPoller(sqs, {
      queueUrl: url(deliveryQueue.id),
      queueArn: arnOf(url(deliveryQueue.id)),
      handler: (event) =>
        deliveryWorker(event, localContext('delivery-worker', functionSizing.deliveryWorker.memoryMb)),
      retryAfterSeconds: 1,
      onError,
    }),
  ];
  for (const poller of pollers) poller.start();

  /** Sends every held job whose release time the clock has reached to the delivery queue, and launches due campaign runs. */
  const releaseDueHolds = async (): Promise<number> => {
    await launchDueCampaigns(ports);
    const due = holds.due(clock.now());
    if (due.length > 0) await ports.delivery.send(due);
    holds.released(due);
    return due.length;
  };
  // On the wall clock, holds are released as time passes; a simulation releases them itself.
  const holdTimer = options.clock
    ? undefined
    : setInterval(() => void releaseDueHolds().catch(onError), 1000);

  const pendingMessages = async (): Promise<number> => {
    const counts = await Promise.all(
      [fanoutQueue, deliveryQueue].map(async (queue) => {
        const out = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url(queue.id),
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        );
        return Object.values(out.Attributes ?? {}).reduce((n, v) => n + Number(v), 0);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  const drain = async (timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    // Two quiet checks in a row: a message sent between the queue check and the poller check
    // would otherwise slip through.
    while (quietChecks < 2) {
      if (Date.now() > deadline) throw new Error(`the local pipeline did not drain within ${timeoutMs} ms`);
      await bus.idle();
      const quiet = !bus.busy && pollers.every((p) => !p.busy) && (await pendingMessages()) === 0;
      quietChecks = quiet ? quietChecks + 1 : 0;
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  };

  const stop = async () => {
    if (holdTimer) clearInterval(holdTimer);
    await Promise.all(pollers.map((p) => p.stop()));
    eventBridge.destroy();
    await new Promise((r) => server.close(r));
    await new Promise((r) => receiptServer.server.close(r));
    local.close();
    if (ownEngines) await engines.stop();
  };

  const lambdaUsage = () => {
    const [fanoutPoller, deliveryPoller] = pollers;
    const gbSeconds = (poller: SqsPoller, memoryMb: number) => (poller.handlerMs / 1000) * (memoryMb / 1024);
    return {
      lambdaInvocations: busInvocations.count + fanoutPoller!.invocations + deliveryPoller!.invocations,
      lambdaGbSeconds:
        busInvocations.gbSeconds +
        gbSeconds(fanoutPoller!, functionSizing.fanoutWorker.memoryMb) +
        gbSeconds(deliveryPoller!, functionSizing.deliveryWorker.memoryMb),
    };
  };

  return {
    ports,
    bus,
    busEndpoint,
    busName,
    receiptEndpoint: receiptServer.endpoint,
    simulator,
    emitted: actionEvents,
    holds,
    releaseDueHolds,
    metrics: () => emitted.documents,
    lambdaUsage,
    engines,
    queueUrls,
    tableNames: local.tableNames,
    sqs,
    dataDir,
    drain,
    stop,
  };
};
