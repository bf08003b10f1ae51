import { resolve } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { demoScenario } from '../demo/dataset.ts';
import type { Clock } from '../domain/clock.ts';
import { CANARY_DETAIL_TYPE, CANARY_SOURCE, CANARY_USER_ID } from '../domain/recipes/canary.ts';
import { defaultCatalog } from '../domain/recipes/default-catalog.ts';
import { LocalEngineError, PortInUseError } from '../local/engine-errors.ts';
import { type LocalEngines, localCredentials, localRegion, startLocalEngines } from '../local/engines.ts';
import { isPortFree } from '../local/free-port.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.ts';
import { clockStartingAt } from '../local/shifted-clock.ts';
import { logger } from '../observability/logger.ts';
import { loadWorld } from '../simulation/load-world.ts';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file.ts';
import { formatCanary, formatSummary } from './summary.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);

export interface StartOptions {
  /** The instant the runtime's clock starts at; it then advances with real time. Default: now. */
  readonly at?: Date;
  /** Port of the PutEvents endpoint; 0 picks a free one. */
  readonly busPort: number;
  /** Engines already running; otherwise fresh ones are started, and stopped on the way out. */
  readonly engines?: LocalEngines;
  /** Writes every EMF document the handlers flush to stderr, one JSON line each. */
  readonly metrics?: boolean;
}

/** How often the local canary pings the pipeline. */
const CANARY_EVERY_MS = 5_000;
const stderrSink = (document: unknown) => process.stderr.write(`${JSON.stringify(document)}\n`);

/**
 * Starts the engines (unless given) and the runtime. Whatever fails midway, nothing started is
 * left running, and a machine that lacks something (Java, a free port) gets a LocalEngineError.
 */
const startRuntime = async (options: StartOptions, clock: Clock | undefined) => {
  if (options.busPort !== 0 && !(await isPortFree(options.busPort)))
    throw new PortInUseError(options.busPort, '--bus-port / HERALD_BUS_PORT');
  const engines = options.engines ?? (await startLocalEngines());
  try {
    // Without a clock the runtime runs on the wall clock, with TTL on as on AWS.
    const runtime = await startLocalRuntime({
      engines,
      busPort: options.busPort,
      // The message log stays after Ctrl-C, for `herald trace` and `herald stats`.
      dataDir: resolve('.herald', 'data'),
      ...(clock ? { clock } : {}),
      ...(options.metrics ? { metricsSink: stderrSink } : {}),
    });
    await writeRuntimeFile({
      dynamodbEndpoint: engines.dynamodbEndpoint,
      tables: runtime.tableNames,
      sqsEndpoint: engines.sqsEndpoint,
      queues: runtime.queueUrls,
      ...(clock ? { clockOffsetMs: clock.now().getTime() - Date.now() } : {}),
    });
    return { runtime, engines };
  } catch (error) {
    await engines.stop();
    // Taken between the check above and the runtime's listen.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(options.busPort, '--bus-port / HERALD_BUS_PORT', { cause: error });
    throw error;
  }
};

const publisherOf = (runtime: LocalRuntime) =>
  new EventBridgeClient({
    endpoint: runtime.busEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });

/**
 * The local canary: a ping every few seconds through the whole pipeline to the simulator's canary
 * phone, as the schedule sends one on AWS. Its pings are kept out of the events the summary counts.
 */
class LocalCanary {
  /** Pings put on the bus (or on their way), so that the summary can leave them out. */
  sent = 0;
  readonly #publisher: EventBridgeClient;
  readonly #runtime: LocalRuntime;
  readonly #clock: Clock;

  constructor(runtime: LocalRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
    this.#publisher = publisherOf(runtime);
  }

  async ping(): Promise<void> {
    this.sent++;
    const out = await this.#publisher
      .send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.#runtime.busName,
              Source: CANARY_SOURCE,
              DetailType: CANARY_DETAIL_TYPE,
              Detail: JSON.stringify({ sentAt: this.#clock.now().toISOString() }),
            },
          ],
        }),
      )
      .catch((error: unknown) => {
        this.sent--;
        throw error;
      });
    if ((out.FailedEntryCount ?? 0) > 0) this.sent--;
  }

  stop(): void {
    this.#publisher.destroy();
  }
}

const publishDemoEvents = async (runtime: LocalRuntime, clock: Clock) => {
  const scenario = demoScenario(clock.now());
  await loadWorld(runtime.ports, scenario);
  say(
    `\nDemo data: ${scenario.users.length} buyers, ${scenario.devices.length} devices, ${scenario.relations.length} relations.`,
  );
  const publisher = publisherOf(runtime);
  try {
    // No Time: the bus stamps each event with the runtime's clock, as EventBridge does with its own.
    const sent = await publisher.send(
      new PutEventsCommand({
        Entries: scenario.events.map((e) => ({
          EventBusName: runtime.busName,
          Source: e.source,
          DetailType: e['detail-type'],
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    say(
      `Published ${scenario.events.length} demo events (${sent.FailedEntryCount ?? 0} refused by the bus).`,
    );
  } finally {
    publisher.destroy();
  }
};

/**
 * `npm start`: the embedded runtime in the foreground with the demo marketplace loaded and a few
 * events published through the real EventBridge client. It keeps accepting events and prints an
 * updated summary after each burst, until Ctrl-C.
 */
export const runStartCommand = async (options: StartOptions): Promise<number> => {
  const clock = options.at ? clockStartingAt(options.at) : undefined;
  say(
    options.engines
      ? 'Herald local runtime: connecting to the running engines...'
      : 'Herald local runtime: starting DynamoDB Local (Java) and the SQS engine...',
  );
  let started: Awaited<ReturnType<typeof startRuntime>>;
  try {
    started = await startRuntime(options, clock);
  } catch (error) {
    if (!(error instanceof LocalEngineError)) throw error;
    console.error(`herald start: ${error.message}`);
    return 1;
  }
  const { runtime, engines } = started;
  const runtimeClock = clock ?? { now: () => new Date() };
  const canary = new LocalCanary(runtime, runtimeClock);
  let stopping = false;
  const stopped = new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`\n${signal}: stopping the workers and the engines...`);
      canary.stop();
      await runtime.stop();
      await engines.stop();
      await removeRuntimeFile();
      say('Herald stopped.');
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

  say(`  DynamoDB Local  ${engines.dynamodbEndpoint}`);
  say(`  SQS (fauxqs)    ${engines.sqsEndpoint}`);
  say(`  EventBridge     ${runtime.busEndpoint}  (bus "${runtime.busName}", PutEvents)`);
  say(`  Receipts        ${runtime.receiptEndpoint}  (POST {"token", "kind"})`);
  say(`  Message log     ${runtime.dataDir}  (herald trace --user <id>, herald stats)`);
  if (options.at) say(`  Clock           started at ${options.at.toISOString()}, advancing in real time`);
  await publishDemoEvents(runtime, runtimeClock);
  await canary.ping();

  const internal = new Set(defaultCatalog().recipes.flatMap((r) => (r.internal ? [r.id] : [])));
  const businessEvents = () => runtime.bus.published - canary.sent;
  let seen = -1;
  const report = async () => {
    await runtime.drain();
    if (stopping || businessEvents() === seen) return;
    seen = businessEvents();
    const pushes = runtime.simulator.received.filter((p) => p.userId !== CANARY_USER_ID).length;
    say(`\nEvents received: ${seen}; pushes on phones: ${pushes}`);
    const outcomes = Object.entries(await runtime.ports.outcomes.summary());
    say(formatSummary(Object.fromEntries(outcomes.filter(([recipe]) => !internal.has(recipe)))));
    say(formatCanary(runtime.metrics()));
    const held = runtime.holds.history.reduce((n, h) => n + h.job.userIds.length, 0);
    if (held > 0)
      say(`Held for the end of quiet hours: ${held} push(es); they go out when the user's morning comes.`);
  };
  await report();
  say(
    `\nHerald is running. Publish events with any EventBridge client pointed at ${runtime.busEndpoint}, e.g.`,
  );
  say(
    `  aws events put-events --endpoint-url ${runtime.busEndpoint} --entries ` +
      `'[{"Source":"market.social","DetailType":"UserFollowed","Detail":"{\\"followerId\\":\\"buyer-cai\\",\\"sellerId\\":\\"seller-anna\\"}"}]'`,
  );
  say('Press Ctrl-C to stop.');

  let lastPing = Date.now();
  const watcher = setInterval(() => {
    if (stopping) return;
    if (Date.now() - lastPing >= CANARY_EVERY_MS) {
      lastPing = Date.now();
      void canary.ping().catch((e) => logger.error('canary ping failed', e));
    }
    // The runtime releases held pushes itself only on the wall clock; on a shifted one, here.
    if (clock) void runtime.releaseDueHolds().catch((e) => logger.error('hold release failed', e));
    if (businessEvents() !== seen) void report().catch((e) => logger.error('report failed', e));
  }, 1000);
  const code = await stopped;
  clearInterval(watcher);
  return code;
};
