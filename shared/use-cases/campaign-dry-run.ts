import { type Audience, type Campaign, campaignScope, parseCampaign } from '../domain/campaigns/campaign.ts';
import { launchInstant } from '../domain/campaigns/schedule.ts';
import type { CampaignStore } from '../domain/campaigns/store.ts';
import type { Clock } from '../domain/clock.ts';
import { addUsage, costOf, emptyUsage, scaleUsage } from '../domain/costs/price-table.ts';
import { scanReadUnitsPerUser, usagePerDeliveredPush } from '../domain/costs/push-usage.ts';
import type { FatiguePolicy } from '../domain/fatigue/policy.ts';
import { type FatigueLedger, type ReservationRequest, suppressionOf } from '../domain/fatigue/reservation.ts';
import { renderPersonal } from '../domain/push/personal-push.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import type { UserDirectory } from '../domain/users/user.ts';
import { anonymousProfile } from '../domain/users/user.ts';
import { audiencePagesOf, type CampaignReadDeps, membersOf } from './campaign-audience.ts';
import { campaignReaders } from './campaign-readers.ts';
import { campaignSliceSource, draftState } from './campaign-slice-source.ts';
import type { FanOutDeps } from './fan-out-slice.ts';

/** Segments with up to this many users holding devices are counted exactly; larger ones are sampled. */
export const EXACT_SEGMENT_LIMIT = 50_000;
const SEGMENT_SAMPLE = 5_000;
const SAMPLES = 5;

export interface DryRunDeps extends Omit<CampaignReadDeps, 'campaigns' | 'relations'> {
  readonly relations: Pick<RelationStore, 'audiencePage' | 'shardCountOf'>;
  readonly users: Pick<UserDirectory, 'profilesOf'>;
  readonly policy: FatiguePolicy;
  readonly clock: Clock;
  /** Read for the caps estimate; without `preview`, the report says nothing about caps. */
  readonly fatigue?: Pick<FatigueLedger, 'preview'>;
}

export interface DryRunReport {
  readonly campaign: string;
  readonly audience: {
    /** Users the campaign would plan: exact for lists and relations, an estimate for a large segment. */
    readonly size: number;
    readonly exact: boolean;
    readonly sources: readonly {
      readonly kind: Audience['kind'];
      readonly size: number;
      readonly exact: boolean;
    }[];
  };
  /** Five pushes as their recipients would see them (the filters' verdict beside each). */
  readonly samples: readonly {
    readonly userId: string;
    readonly verdict: string;
    readonly title: string;
    readonly body: string;
  }[];
  /**
   * What the caps would hold back if it went now: read (never written) for up to the first 1,000
   * users of the first audience (`sampled`), counted by reason, and scaled to the audience.
   */
  readonly caps: {
    readonly sampled: number;
    readonly wouldSuppress: Record<string, number>;
    readonly estimate: Record<string, number>;
  };
  /** On-demand cost at the one price table, if every planned user were pushed once. */
  readonly cost: { readonly usd: number; readonly byService: Record<string, number> };
  readonly firstPushAt: string;
  /** When the last push would go at the campaign's rate (quiet hours and local times move some later). */
  readonly lastPushAt: string;
}

/** Counts one audience's members: every page, or a sample of a large segment scaled to its size. */
const sizeOf = async (campaign: Campaign, audience: Audience, deps: DryRunDeps, now: Date) => {
  const members = await membersOf(campaign, audience, deps, now);
  const count = async (scan: { index: number; total: number }, limit: number) => {
    let read = 0;
    let kept = 0;
    for await (const page of audiencePagesOf(audience, scan, undefined, deps, now)) {
      read += page.userIds.length;
      kept += (await members(page.userIds, await deps.users.profilesOf(page.userIds))).length;
      if (read >= limit) return { kept, read, complete: false };
    }
    return { kept, read, complete: true };
  };
  if (audience.kind === 'relation') {
    const shards = await deps.relations.shardCountOf(audience.relation, audience.target);
    let size = 0;
    for (let index = 0; index < shards; index++)
      size += (await count({ index, total: shards }, Infinity)).kept;
    return { kind: audience.kind, size, exact: true };
  }
  if (audience.kind === 'list')
    return { kind: audience.kind, size: (await count({ index: 0, total: 1 }, Infinity)).kept, exact: true };
  const holders = await deps.deviceHolders.approximateCount();
  if (holders <= EXACT_SEGMENT_LIMIT)
    return { kind: audience.kind, size: (await count({ index: 0, total: 1 }, Infinity)).kept, exact: true };
  // One Scan segment of many is a sample spread over the whole key space.
  const sample = await count({ index: 0, total: 16 }, SEGMENT_SAMPLE);
  const size = sample.complete
    ? sample.kept * 16
    : Math.round((sample.kept / Math.max(1, sample.read)) * holders);
  return { kind: audience.kind, size, exact: false };
};

/**
 * What a campaign would do if it went now, without sending or writing anything: how many it
 * would reach, five pushes as shown, what it would cost, and when it would end at its rate.
 */
export const dryRunCampaign = async (input: unknown, deps: DryRunDeps): Promise<DryRunReport> => {
  const campaign = parseCampaign(input);
  const now = deps.clock.now();
  const sources = [];
  for (const audience of campaign.audience) sources.push(await sizeOf(campaign, audience, deps, now));
  const size = sources.reduce((n, s) => n + s.size, 0);
  const { samples, reservations, judged } = await sampleOf(campaign, deps, now);
  const caps = await capsOf(reservations, judged, size, deps.fatigue);
  const segmentReads = sources.some((s) => s.kind === 'segment')
    ? (await deps.deviceHolders.approximateCount()) * scanReadUnitsPerUser
    : 0;
  const usage = addUsage(scaleUsage(usagePerDeliveredPush, size), {
    ...emptyUsage(),
    dynamodbReadUnits: segmentReads,
  });
  const { total, byService } = costOf(usage);
  const first = launchInstant(campaign.schedule, now);
  const firstPushAt = campaign.schedule.kind === 'at' ? new Date(campaign.schedule.at) : first;
  return {
    campaign: campaignScope(campaign.id),
    audience: { size, exact: sources.every((s) => s.exact), sources },
    samples,
    caps,
    cost: { usd: Number(total.toPrecision(4)), byService: roundAll(byService) },
    firstPushAt: firstPushAt.toISOString(),
    lastPushAt: new Date(firstPushAt.getTime() + Math.ceil(size / campaign.rate) * 1000).toISOString(),
  };
};

const roundAll = (byService: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(byService).map(([service, usd]) => [service, Number(usd.toPrecision(4))]),
  );

/** Users of the first audience a dry run judges: five are shown, and their caps are read for all. */
const CAPS_SAMPLE = 1000;

/**
 * The first members of the first audience, judged and rendered as a reader would; for those who
 * would be pushed, what the caps and dedupe keys hold now (read, never written).
 */
const sampleOf = async (campaign: Campaign, deps: DryRunDeps, now: Date) => {
  const [task] = await campaignReaders({ ...campaign, readers: 1 }, 'dry-run', now, deps.relations);
  // Nothing is stored for a dry run: the reader is given the campaign, and no store is asked.
  const readDeps = { ...deps, campaigns: noStore } as unknown as FanOutDeps;
  const source = await campaignSliceSource(task!, readDeps, now, undefined, draftState(campaign, now));
  const samples: DryRunReport['samples'][number][] = [];
  const reservations: ReservationRequest[] = [];
  let judged = 0;
  for await (const page of source.pages(undefined)) {
    const profiles = await deps.users.profilesOf(page.userIds);
    for (const userId of await source.members(page.userIds, profiles)) {
      const user = profiles.get(userId) ?? anonymousProfile(userId);
      const verdict = source.judge(user);
      judged++;
      if (verdict.kind === 'held') {
        const at = new Date(verdict.releaseAt);
        reservations.push({ ...source.plan.reservation(user, 'dry-run'), at });
        if (samples.length < SAMPLES) {
          const template = source.plan.heldJobs(verdict.variant, verdict.releaseAt);
          // A campaign always pushes: its jobs carry a push or a personal template.
          const push = template.personal ? renderPersonal(template.personal, user) : template.push!;
          samples.push({
            userId,
            verdict: `pushed at ${at.toISOString()}`,
            title: push.title,
            body: push.body,
          });
        }
      } else if (samples.length < SAMPLES) {
        const why = 'reason' in verdict ? `${verdict.kind}: ${verdict.reason}` : verdict.kind;
        samples.push({ userId, verdict: why, title: '', body: '' });
      }
      if (judged === CAPS_SAMPLE) return { samples, reservations, judged };
    }
  }
  return { samples, reservations, judged };
};

/** How many of the sampled users the caps (or an earlier push of the same run) would hold back now. */
const capsOf = async (
  reservations: readonly ReservationRequest[],
  judged: number,
  size: number,
  fatigue: DryRunDeps['fatigue'],
): Promise<DryRunReport['caps']> => {
  if (!fatigue?.preview) return { sampled: 0, wouldSuppress: {}, estimate: {} };
  const wouldSuppress: Record<string, number> = {};
  for (const result of await fatigue.preview(reservations)) {
    const reason = suppressionOf(result);
    if (reason) wouldSuppress[reason] = (wouldSuppress[reason] ?? 0) + 1;
  }
  const scale = judged === 0 ? 0 : size / judged;
  const estimate = Object.fromEntries(
    Object.entries(wouldSuppress).map(([r, n]) => [r, Math.round(n * scale)]),
  );
  return { sampled: judged, wouldSuppress, estimate };
};

const refuse = async (): Promise<never> => {
  throw new Error('a dry run stores nothing');
};
const noStore: CampaignStore = {
  create: refuse,
  get: refuse,
  save: refuse,
  list: refuse,
  sliceFinished: refuse,
  finishedReaders: refuse,
  park: refuse,
  parked: refuse,
  unpark: refuse,
};
