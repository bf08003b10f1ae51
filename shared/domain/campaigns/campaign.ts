import { z } from 'zod';
import { conversionSchema, pushTemplateSchema, variantsSchema } from '../engagement/experiment.ts';
import { appIdPattern, platforms } from '../push/device.ts';
import { flagSchema, normaliseTerms } from '../users/profile-terms.ts';
import { isTimeZone } from '../users/time-zone.ts';
import { parseOrThrow } from '../validation.ts';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case words joined by "-"');
const appId = z.string().regex(appIdPattern, 'expected an app id: lower-case words joined by "-"');
const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time such as 2026-11-21T10:00:00Z',
});
const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Asia/Shanghai"' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time such as "10:00"');

/** Everyone related to a target: all followers of a seller, all favoriters of an item. */
const relationAudience = z.strictObject({
  kind: z.literal('relation'),
  relation: name,
  target: z.string().min(1).max(128),
});

/**
 * Users with a pushable device, narrowed by their devices (platform, last seen) and their
 * profile (time zone, flags). Read with a parallel Scan of the Devices table, page by page.
 */
const segmentAudience = z.strictObject({
  kind: z.literal('segment'),
  timeZones: z.array(timeZone).min(1).optional(),
  /** Users holding every one of these flags. */
  withFlags: z.array(flagSchema).min(1).transform(normaliseTerms).optional(),
  /** Users holding none of these flags. */
  withoutFlags: z.array(flagSchema).min(1).transform(normaliseTerms).optional(),
  /** Users who opted out of none of these businesses or categories (the campaign's own always apply). */
  notOptedOutOf: z.array(name).min(1).optional(),
  platforms: z.array(z.enum(platforms)).min(1).optional(),
  /** Users with a device of one of these apps. */
  apps: z.array(appId).min(1).optional(),
  /** Users with a device registered within so many days. */
  lastSeenWithinDays: z.number().int().min(1).max(3650).optional(),
});

/** An uploaded list of user ids, one per line (or NDJSON `{"userId"}`): `s3://bucket/key` on AWS, a file path locally. */
const listAudience = z.strictObject({
  kind: z.literal('list'),
  location: z.string().min(1).max(1024),
});

export const audienceSchema = z.discriminatedUnion('kind', [relationAudience, segmentAudience, listAudience]);
const exclusionSchema = z.discriminatedUnion('kind', [segmentAudience, listAudience]);

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('now') }),
  z.strictObject({ kind: z.literal('at'), at: instant }),
  /** The same local time on every recipient's clock: 10:00 in Shanghai, then 10:00 in Paris. */
  z.strictObject({
    kind: z.literal('local-time'),
    time: hhmm,
    /** The local date; absent: the next `time` after the campaign starts, on each user's clock. */
    date: z.iso.date().optional(),
  }),
  /** EventBridge Scheduler's expression: `rate(1 day)` or `cron(0 10 ? * MON *)`. Each firing is one run. */
  z.strictObject({
    kind: z.literal('recurring'),
    expression: z
      .string()
      .regex(
        /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
        'expected "rate(<n> minutes|hours|days)" or "cron(<min> <hour> <day> <month> <weekday> <year>)"',
      ),
    timeZone: timeZone.default('UTC'),
    /** No run starts after this instant. */
    until: instant.optional(),
  }),
]);

/**
 * A campaign: ops push one message to an audience they pick, on a schedule, at a steady rate.
 * Data, validated here; it runs through the same chain as a recipe (filters, quiet hours,
 * fatigue caps, dedupe, delivery, outcomes) under the scope `campaign:<id>`.
 */
export const campaignSchema = z
  .strictObject({
    id: name,
    description: z.string().min(1).max(500).optional(),
    /** The business line the pushes count against, for caps, opt-outs and cost reports. */
    business: name,
    /** Opt-out category, e.g. `promotions`. */
    category: name,
    /** The one app whose devices get the push; absent, every app's (a user of two apps gets it on both). */
    app: appId.optional(),
    /** Every audience is read; a user in two of them is pushed once (`suppressed: duplicate`). */
    audience: z.array(audienceSchema).min(1).max(8),
    /** Users left out: another segment or list. */
    exclude: z.array(exclusionSchema).max(8).default([]),
    push: pushTemplateSchema.optional(),
    variants: variantsSchema.optional(),
    experimentSalt: z.string().min(1).max(64).optional(),
    conversion: conversionSchema.optional(),
    schedule: scheduleSchema.default({ kind: 'now' }),
    /** Pushes per second, kept across the whole campaign; see docs/capacity-plan.md for what quotas allow. */
    rate: z.number().positive().max(50_000).default(100),
    /**
     * Parallel readers of a segment (Scan segments) at most; each keeps its share of the rate, and
     * each gets at least 100 pushes a second (fewer readers at a low rate: full jobs cost less).
     */
    readers: z.number().int().min(1).max(64).default(4),
    /** In quiet hours: hold until they end, skip the user (`suppressed: quiet-hours`), or push anyway. */
    quietHours: z.enum(['hold', 'skip', 'ignore']).default('hold'),
    /** Critical messages: counted, never capped. */
    bypassCaps: z.boolean().default(false),
  })
  .superRefine((campaign, context) => {
    if ((campaign.push === undefined) === (campaign.variants === undefined))
      context.addIssue({
        code: 'custom',
        path: ['push'],
        message: 'give exactly one of "push" and "variants"',
      });
  });

export type Campaign = z.output<typeof campaignSchema>;
export type CampaignInput = z.input<typeof campaignSchema>;
export type Audience = z.output<typeof audienceSchema>;
export type SegmentAudience = z.output<typeof segmentAudience>;
export type ListAudience = z.output<typeof listAudience>;
export type Schedule = z.output<typeof scheduleSchema>;

export const parseCampaign = (input: unknown, prefix = 'campaign'): Campaign =>
  parseOrThrow(campaignSchema, input, prefix);

/** The outcome and cost scope of a campaign: reports tell campaigns from recipes by it. */
export const campaignScope = (campaignId: string): string => `campaign:${campaignId}`;
export const campaignIdOf = (scope: string): string | undefined =>
  scope.startsWith('campaign:') ? scope.slice('campaign:'.length) : undefined;
