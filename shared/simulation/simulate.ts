import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { campaignIdOf } from '../domain/campaigns/campaign.ts';
import { buildCostReport, type CostReport } from '../domain/costs/cost-report.ts';
import type { ScopeSummary } from '../domain/outcomes/outcome.ts';
import { defaultApp, type Platform } from '../domain/push/device.ts';
import type { RecipeSetFiles } from '../domain/recipes/recipe-set.ts';
import type { LocalEngines } from '../local/engines.ts';
import { nextCampaignLaunch } from '../local/local-campaigns.ts';
import { ManualClock } from '../local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime.ts';
import { rejectedEventsQueue } from '../resources/queues.ts';
import {
  type CampaignReport,
  type CampaignStep,
  campaignStepsOf,
  campaignsReport,
  playCampaignStep,
} from './campaign-steps.ts';
import { playAndRead } from './engagement-step.ts';
import { type ExperimentReport, markOpened, type TraceStep } from './experiments-report.ts';
import { type DeadLetter, readDeadLetters } from './leftovers.ts';
import { loadWorld } from './load-world.ts';
import { engagingRecipes, type Scenario } from './scenario.ts';
import { scenarioCatalog } from './scenario-set.ts';

export interface SimulatedDelivery {
  readonly userId: string;
  /** The app that showed the push; absent for the default app. */
  readonly app?: string;
  readonly platform: Platform;
  readonly token: string;
  readonly recipe: string;
  readonly title: string;
  readonly body: string;
  readonly time: string;
  /** The campaign that sent it (its `recipe` is then `campaign:<id>`). */
  readonly campaign?: string;
  /** The simulated user opened it (`engagement`): set on the one device the message was opened on. */
  readonly opened?: true;
}

export interface SimulatedEmit {
  readonly recipe: string;
  readonly detailType: string;
  readonly userId: string;
  readonly actionId: string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface SimulationReport {
  readonly deliveries: SimulatedDelivery[];
  /** Events emit recipes put on the bus, one per recipient: what a team's own service would receive. */
  readonly emitted: SimulatedEmit[];
  readonly outcomes: Record<string, ScopeSummary>;
  /** What the bus refused at PutEvents, by event index. */
  readonly refused: { index: number; errorCode: string; errorMessage: string }[];
  /** What reached Herald but was kept aside with its reason. */
  readonly rejected: { reason: string; source?: string; detailType?: string }[];
  /** Pushes held for the end of the recipient's quiet hours, with their release time. */
  readonly held: { userId: string; recipe: string; releaseAt: string }[];
  /** What ended on a dead-letter or terminal queue (work given up on), with the reason. */
  readonly deadLetters: DeadLetter[];
  /** Per recipe with `variants`: each variant's counts and rates, the winner and its p-value. */
  readonly experiments?: Record<string, ExperimentReport>;
  /** Every message step of the users the scenario's `trace` names. */
  readonly traces?: Record<string, TraceStep[]>;
  /** What the run cost at us-east-1 on-demand prices: the parts add up to `totalUsd`, to the cent. */
  readonly costs: SimulationCosts;
  /** Per campaign of the scenario: its status and counts, and its first and last push. */
  readonly campaigns?: Record<string, CampaignReport>;
}

type Happening =
  | { readonly time: string; readonly event: Scenario['events'][number]; readonly index: number }
  | { readonly time: string; readonly campaign: CampaignStep };

/** The `costs` of a report (README, "Costs"): by service, recipe, campaign, business and overhead line. */
export type SimulationCosts = Pick<
  CostReport,
  'totalUsd' | 'perMillionDeliveredUsd' | 'byService' | 'byRecipe' | 'byCampaign' | 'byBusiness' | 'overhead'
>;

/** The report's `costs`, from the usage every unit of work stored with its outcomes. */
const costsOf = async (runtime: Awaited<ReturnType<typeof startLocalRuntime>>): Promise<SimulationCosts> => {
  const records = runtime.ports.costs ? await runtime.ports.costs.records() : { usage: [], delivered: [] };
  const { totalUsd, perMillionDeliveredUsd, byService, byRecipe, byCampaign, byBusiness, overhead } =
    buildCostReport(records);
  return { totalUsd, perMillionDeliveredUsd, byService, byRecipe, byCampaign, byBusiness, overhead };
};

/** Called once the world is loaded (`done` 0) and after each event has drained. */
export type SimulationProgress = (progress: { readonly done: number; readonly total: number }) => void;

/** Latest instant a Date can hold: releasing holds "until" it releases them all. */
const END_OF_TIME = new Date(8.64e15);

/** Title and body as the phone shows them, from the platform payload SNS would deliver. */
const readPush = (platform: Platform, message: string): { title: string; body: string; recipe: string } => {
  const structured = JSON.parse(message) as Record<string, string>;
  if (platform === 'FCM') {
    const m = JSON.parse(structured.GCM!).fcmV1Message.message;
    return { title: m.notification.title, body: m.notification.body, recipe: m.data.recipeId };
  }
  const p = JSON.parse(structured[platform]!);
  return { title: p.aps.alert.title, body: p.aps.alert.body, recipe: p.recipeId };
};

const readRejected = async (runtime: Awaited<ReturnType<typeof startLocalRuntime>>) => {
  const rejected: SimulationReport['rejected'] = [];
  for (;;) {
    const out = await runtime.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.queueUrls[rejectedEventsQueue.id],
        MaxNumberOfMessages: 10,
      }),
    );
    if (!out.Messages?.length) return rejected;
    for (const m of out.Messages) {
      const { reason, event } = JSON.parse(m.Body!) as { reason: string; event?: Record<string, unknown> };
      rejected.push({
        reason,
        ...(typeof event?.source === 'string' ? { source: event.source } : {}),
        ...(typeof event?.['detail-type'] === 'string' ? { detailType: event['detail-type'] } : {}),
      });
    }
  }
};

/**
 * Runs a scenario on a fresh local runtime: loads the world, publishes every event at its time
 * through the local bus, lets the pipeline drain after each, and reports what phones received
 * and every outcome.
 */
export const simulate = async (
  scenario: Scenario,
  engines?: LocalEngines,
  options: {
    readonly onProgress?: SimulationProgress;
    /** The recipe set to run (`herald simulate --recipes DIR`); the marketplace's when absent. */
    readonly recipeSet?: RecipeSetFiles;
    /** Given the runtime once started: a test reads its meters (`lambdaUsage`) after the run. */
    readonly onRuntime?: (runtime: LocalRuntime) => void;
  } = {},
): Promise<SimulationReport> => {
  const clock = new ManualClock(new Date(scenario.start));
  const { catalog, policy } = scenarioCatalog(scenario, options.recipeSet);
  const recipes = catalog.recipes;
  const runtime = await startLocalRuntime({
    clock,
    catalog,
    faults: scenario.faults,
    policy,
    ...(engines ? { engines } : {}),
  });
  options.onRuntime?.(runtime);
  // Held pushes (and campaign runs) go out when the clock reaches them, between events and after the last.
  const nextRelease = async () => {
    const [hold, launch] = [runtime.holds.nextRelease(), await nextCampaignLaunch(runtime.ports)];
    return hold && launch ? (hold < launch ? hold : launch) : (hold ?? launch);
  };
  const releaseHoldsUntil = async (time: Date) => {
    for (let next = await nextRelease(); next && next <= time; next = await nextRelease()) {
      clock.advanceTo(next);
      await runtime.releaseDueHolds();
      await runtime.drain();
    }
  };
  try {
    const { ports } = runtime;
    await loadWorld(ports, scenario);

    const refused: SimulationReport['refused'] = [];
    // The bus gives every event a new id; the simulated users draw by the scenario's own index.
    const eventLabels = new Map<string, string>();
    const ordered: Happening[] = [
      ...scenario.events.map((event, index) => ({ time: event.time, event, index })),
      ...campaignStepsOf(scenario).map((campaign) => ({ time: campaign.time, campaign })),
    ].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    let done = 0;
    options.onProgress?.({ done, total: ordered.length });
    for (const happening of ordered) {
      await releaseHoldsUntil(new Date(happening.time));
      clock.advanceTo(new Date(happening.time));
      if ('campaign' in happening) {
        await playCampaignStep(ports, happening.campaign);
        await runtime.drain();
        options.onProgress?.({ done: ++done, total: ordered.length });
        continue;
      }
      const { event, index } = happening;
      const result = runtime.bus.putEvents([
        {
          Source: event.source,
          DetailType: event['detail-type'],
          // Only a missing detail means `{}`: a `null` one is refused by the bus, as AWS refuses it.
          Detail: event.detail === undefined ? '{}' : JSON.stringify(event.detail),
          Time: event.time,
        },
      ]);
      const entry = result.Entries[0]!;
      if ('ErrorCode' in entry)
        refused.push({ index, errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage });
      else eventLabels.set(entry.EventId, `events[${index}]`);
      await runtime.drain();
      options.onProgress?.({ done: ++done, total: ordered.length });
    }

    await releaseHoldsUntil(END_OF_TIME);

    const deliveries = runtime.simulator.received.map((r) => {
      const push = readPush(r.platform, r.message);
      return {
        userId: r.userId,
        ...(r.app === defaultApp ? {} : { app: r.app }),
        platform: r.platform,
        token: r.token,
        recipe: push.recipe,
        title: push.title,
        body: push.body,
        time: r.at.toISOString(),
        ...(campaignIdOf(push.recipe) ? { campaign: campaignIdOf(push.recipe)! } : {}),
      };
    });
    const engagement = await playAndRead(
      scenario,
      engagingRecipes(scenario, recipes),
      runtime,
      clock,
      eventLabels,
    );
    const held = runtime.holds.history.flatMap(({ job, releaseAt }) =>
      job.userIds.map((userId) => ({ userId, recipe: job.recipeId, releaseAt: releaseAt.toISOString() })),
    );
    return {
      deliveries: markOpened(deliveries, engagement.opens),
      emitted: runtime.emitted.map((e) => ({
        recipe: String(e.detail.recipeId),
        detailType: e.detailType,
        userId: String(e.detail.userId),
        actionId: String(e.detail.actionId),
        time: e.at.toISOString(),
        detail: e.detail,
      })),
      outcomes: await ports.outcomes.summary(),
      refused,
      rejected: await readRejected(runtime),
      held,
      deadLetters: await readDeadLetters(runtime),
      ...(engagement.experiments ? { experiments: engagement.experiments } : {}),
      ...(engagement.traces ? { traces: engagement.traces } : {}),
      costs: await costsOf(runtime),
      ...(scenario.campaigns?.length
        ? { campaigns: await campaignsReport(scenario, ports, deliveries) }
        : {}),
    };
  } finally {
    await runtime.stop();
  }
};
