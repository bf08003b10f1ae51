import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { demoScenario } from '../demo/dataset.ts';
import { localCredentials, localRegion } from '../local/engines.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { logger } from '../observability/logger.ts';
import { loadWorld } from '../simulation/load-world.ts';
import { formatSummary } from './summary.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `npm start`: the embedded runtime in the foreground with the demo marketplace loaded and a few
 * events published through the real EventBridge client. It keeps accepting events and prints an
 * updated summary after each burst, until Ctrl-C.
 */
export const runStartCommand = async (): Promise<number> => {
  say('Herald local runtime: starting DynamoDB Local (Java) and the SQS engine...');
  const runtime = await startLocalRuntime({ busPort: Number(process.env.HERALD_BUS_PORT ?? 0) });
  let stopping = false;
  const stopped = new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`\n${signal}: stopping the workers and the engines...`);
      await runtime.stop();
      say('Herald stopped.');
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

  say(`  DynamoDB Local  ${runtime.engines.dynamodbEndpoint}`);
  say(`  SQS (fauxqs)    ${runtime.engines.sqsEndpoint}`);
  say(`  EventBridge     ${runtime.busEndpoint}  (bus "${runtime.busName}", PutEvents)`);

  const scenario = demoScenario(new Date());
  await loadWorld(runtime.ports, scenario);
  say(
    `\nDemo data: ${scenario.users.length} buyers, ${scenario.devices.length} devices, ${scenario.relations.length} relations.`,
  );
  const publisher = new EventBridgeClient({
    endpoint: runtime.busEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
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
  say(`Published ${scenario.events.length} demo events (${sent.FailedEntryCount ?? 0} refused by the bus).`);

  let seen = -1;
  const report = async () => {
    await runtime.drain();
    if (stopping || runtime.bus.published === seen) return;
    seen = runtime.bus.published;
    say(`\nEvents received: ${seen}; pushes on phones: ${runtime.simulator.received.length}`);
    say(formatSummary(await runtime.ports.outcomes.summary()));
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

  const watcher = setInterval(() => {
    if (!stopping && runtime.bus.published !== seen)
      void report().catch((e) => logger.error('report failed', e));
  }, 1000);
  const code = await stopped;
  clearInterval(watcher);
  publisher.destroy();
  return code;
};
