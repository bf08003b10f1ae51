import type { RenderedPush } from '../push/delivery-job.ts';

/**
 * The canary: a synthetic `herald.canary` / `CanaryPing` event sent every few minutes goes the
 * whole way (bus, planner, fan-out, delivery, push service) to one device, the canary user's,
 * and the time from `sentAt` to its push measures the path. Its audience is an ordinary relation,
 * `canary` from the canary user to `herald`, kept by whoever runs the canary (`ensureCanaryRecipient`).
 */
export const CANARY_RECIPE_ID = 'herald-canary';
export const CANARY_USER_ID = 'herald-canary';
export const CANARY_RELATION = 'canary';
export const CANARY_TARGET = 'herald';
export const CANARY_SOURCE = 'herald.canary';
export const CANARY_DETAIL_TYPE = 'CanaryPing';

/** Its deep link carries `sentAt`, so that whoever sees the push delivered can tell its latency. */
export const canaryRecipe = {
  id: CANARY_RECIPE_ID,
  description: 'Herald watching itself: a synthetic ping pushed to the canary device.',
  trigger: { source: CANARY_SOURCE, detailType: CANARY_DETAIL_TYPE },
  audience: [{ relation: CANARY_RELATION, targetField: 'target' }],
  business: CANARY_RECIPE_ID,
  category: 'canary',
  identity: ['sentAt'],
  push: {
    title: 'Herald canary',
    body: 'The pipeline is alive.',
    deepLink: 'herald://canary?sentAt={{detail.sentAt}}',
  },
  internal: true,
} as const;

/** Neither caps nor quiet hours may stop the canary, nor may it use up anyone's caps. */
export const canaryOverride = {
  bypassCaps: true,
  countWhenBypassing: false,
  quietHours: 'ignore',
} as const;

/** When the canary ping behind `push` was sent; undefined for any other push. */
export const canarySentAt = (push: RenderedPush): Date | undefined => {
  if (!push.deepLink?.startsWith('herald://canary?')) return undefined;
  const sentAt = new URL(push.deepLink).searchParams.get('sentAt');
  const at = sentAt ? new Date(sentAt) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
};
