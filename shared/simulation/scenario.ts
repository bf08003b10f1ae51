import { z } from 'zod';
import { defaultPolicy, type FatiguePolicy, parsePolicy } from '../domain/fatigue/policy.ts';
import { platforms } from '../domain/push/device.ts';
import { firstDuplicate, flagSchema, normaliseTerms, optOutSchema } from '../domain/users/profile-terms.ts';
import { isTimeZone } from '../domain/users/time-zone.ts';
import { parseOrThrow } from '../domain/validation.ts';

const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time such as 2026-11-21T10:00:00Z',
});
const id = z.string().min(1).max(128);

const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Asia/Shanghai"' });

/**
 * A `herald simulate` scenario: the world before (users, devices, relations) and the events that
 * happen, in time order. Documented in the README; fields are only ever added.
 */
export const scenarioSchema = z.strictObject({
  start: instant,
  users: z
    .array(
      z.strictObject({
        id,
        timeZone: timeZone.default('UTC'),
        /** Normalised (`" Minor"` is `minor`); a flag Herald does not act on is refused, it would be a silent typo. */
        flags: z.array(flagSchema).default([]).transform(normaliseTerms),
        optOuts: z.array(optOutSchema).default([]).transform(normaliseTerms),
      }),
    )
    .default([])
    // Two profiles for one user would race each other into the table: which wins would vary run to run.
    .superRefine((users, context) => {
      const duplicate = firstDuplicate(users.map((user) => user.id));
      if (duplicate)
        context.addIssue({
          code: 'custom',
          path: [duplicate.index, 'id'],
          message: `duplicate user id "${users[duplicate.index]!.id}" (first at $.users[${duplicate.first}])`,
        });
    }),
  devices: z
    .array(z.strictObject({ userId: id, platform: z.enum(platforms), token: z.string().min(8) }))
    .default([]),
  relations: z
    .array(
      z.strictObject({
        type: z.string().min(1),
        from: id,
        to: id,
        /** When the relation began; the scenario start by default. */
        since: instant.optional(),
        expiresAt: instant.optional(),
      }),
    )
    .default([]),
  events: z
    .array(
      z.strictObject({
        time: instant,
        source: z.string().min(1),
        'detail-type': z.string().min(1),
        detail: z.unknown(),
      }),
    )
    .default([]),
  /**
   * Overrides of the fatigue policy: each top-level key given (`user`, `businesses`, `groups`,
   * `sender`, `quietHours`, `recipes`) replaces the default policy's.
   */
  policy: z.record(z.string(), z.unknown()).optional(),
  /** Failures the device simulator injects. */
  faults: z
    .strictObject({
      disabledTokens: z.array(z.string()).optional(),
      throttleShare: z.number().min(0).max(1).optional(),
      /** The first N publishes are throttled: deterministic throttling. */
      throttleFirst: z.number().int().min(0).max(1_000_000).optional(),
      /** Seed of the draws behind throttleShare. */
      seed: z.number().int().optional(),
      latencyMs: z.number().int().min(0).max(10_000).optional(),
    })
    .optional(),
});

export type Scenario = Omit<z.output<typeof scenarioSchema>, 'policy'> & { readonly policy: FatiguePolicy };

/** Parses a scenario, or throws a ValidationError whose field is the JSON path of the error. */
export const parseScenario = (input: unknown): Scenario => {
  const scenario = parseOrThrow(scenarioSchema, input, '$');
  return { ...scenario, policy: parsePolicy({ ...defaultPolicy, ...scenario.policy }, '$.policy') };
};
