import { z } from 'zod';
import { CANARY_RECIPE_ID, canaryOverride } from '../recipes/canary.ts';
import { parseOrThrow } from '../validation.ts';

const name = z.string().min(1).max(64);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as "22:00"');

/** At most `limit` pushes per window; calendar windows follow the user's time zone. */
const cap = z.strictObject({
  window: z.enum(['hour', 'day', 'week']),
  limit: z.number().int().min(0),
  /** `calendar` (default): today, this week on the user's clock. `rolling`: the last 24 hours... */
  mode: z.enum(['calendar', 'rolling']).default('calendar'),
});

/** One cap per (window, mode) in a layer: two would be one counter with two limits. */
const caps = z
  .array(cap)
  .max(6)
  .refine((list) => new Set(list.map((c) => `${c.window}/${c.mode}`)).size === list.length, {
    message: 'two caps for the same window; keep the lower one',
  });

const recipeOverride = z.strictObject({
  /** Caps that replace the policy's for pushes of this recipe, layer by layer. */
  user: caps.optional(),
  business: caps.optional(),
  sender: caps.optional(),
  /** Critical messages skip every cap (dedupe still holds). */
  bypassCaps: z.boolean().default(false),
  /** Whether a push that bypassed the caps still counts against them. */
  countWhenBypassing: z.boolean().default(true),
  /** `hold` (default) waits for the end of quiet hours; `ignore` delivers at once. */
  quietHours: z.enum(['hold', 'ignore']).default('hold'),
  /** A held push older than this when quiet hours end is dropped instead (suppressed `quiet-hours`). */
  holdExpiresAfterMinutes: z.number().int().positive().optional(),
});

/**
 * The fatigue policy: data, validated when it loads. Three layers of caps (user; business, with
 * joint caps over groups of businesses; sender), quiet hours, and per-recipe overrides.
 */
export const fatiguePolicySchema = z.strictObject({
  user: caps.default([]),
  businesses: z.record(name, caps).default({}),
  groups: z.record(name, z.strictObject({ businesses: z.array(name).min(1), caps })).default({}),
  sender: caps.default([]),
  quietHours: z.strictObject({ start: hhmm, end: hhmm }).nullable().default(null),
  /** The canary's override is always there (a policy may still state its own): see recipes/canary.ts. */
  recipes: z
    .record(name, recipeOverride)
    .default({})
    .transform(
      (recipes): Record<string, z.output<typeof recipeOverride>> => ({
        [CANARY_RECIPE_ID]: recipeOverride.parse(canaryOverride),
        ...recipes,
      }),
    ),
});

export type FatiguePolicy = z.output<typeof fatiguePolicySchema>;
export type FatigueCap = z.output<typeof cap>;
export type RecipeOverride = z.output<typeof recipeOverride>;

/** Parses a policy; errors name the field (`policy.groups.promotional.caps[0].limit`). */
export const parsePolicy = (input: unknown, prefix = 'policy'): FatiguePolicy =>
  parseOrThrow(fatiguePolicySchema, input, prefix);

/** Herald's default policy; documented in the README. */
export const defaultPolicy: FatiguePolicy = parsePolicy({
  user: [
    { window: 'day', limit: 5 },
    { window: 'week', limit: 20 },
  ],
  businesses: {
    listings: [{ window: 'day', limit: 3 }],
    'price-alerts': [{ window: 'day', limit: 3 }],
    offers: [{ window: 'day', limit: 2 }],
  },
  groups: { promotional: { businesses: ['offers', 'price-alerts'], caps: [{ window: 'day', limit: 3 }] } },
  sender: [{ window: 'day', limit: 2 }],
  quietHours: { start: '22:00', end: '08:00' },
  recipes: { 'seller-offer-to-favoriters': { holdExpiresAfterMinutes: 12 * 60 } },
});

/** One counter a push increments and the cap it must stay under. */
export interface CounterCap {
  readonly layer: 'user' | 'business' | 'group' | 'sender';
  /** The business, group or sender the counter belongs to; empty for the user layer. */
  readonly subject: string;
  readonly window: FatigueCap['window'];
  readonly mode: FatigueCap['mode'];
  readonly limit: number;
}

/** What a recipe's pushes must respect under a policy. */
export interface EffectiveRules {
  readonly counters: readonly CounterCap[];
  /** Whether the caps are checked (false for critical recipes). */
  readonly enforce: boolean;
  /** Whether a push increments the counters at all. */
  readonly count: boolean;
  readonly quietHours: FatiguePolicy['quietHours'];
  readonly holdExpiresAfterMinutes?: number;
}

const toCounters = (layer: CounterCap['layer'], subject: string, list: readonly FatigueCap[]): CounterCap[] =>
  list.map((c) => ({ layer, subject, window: c.window, mode: c.mode, limit: c.limit }));

/** The caps, quiet hours and bypass rules for one recipe of a business, from a sender. */
export const rulesFor = (
  policy: FatiguePolicy,
  recipeId: string,
  business: string,
  sender: string | undefined,
): EffectiveRules => {
  const override = policy.recipes[recipeId];
  const groups = Object.entries(policy.groups).filter(([, g]) => g.businesses.includes(business));
  const counters = [
    ...toCounters('user', '', override?.user ?? policy.user),
    ...toCounters('business', business, override?.business ?? policy.businesses[business] ?? []),
    ...groups.flatMap(([groupName, g]) => toCounters('group', groupName, g.caps)),
    ...(sender ? toCounters('sender', sender, override?.sender ?? policy.sender) : []),
  ];
  const bypass = override?.bypassCaps ?? false;
  return {
    counters,
    enforce: !bypass,
    count: !bypass || (override?.countWhenBypassing ?? true),
    quietHours: override?.quietHours === 'ignore' ? null : policy.quietHours,
    ...(override?.holdExpiresAfterMinutes
      ? { holdExpiresAfterMinutes: override.holdExpiresAfterMinutes }
      : {}),
  };
};
