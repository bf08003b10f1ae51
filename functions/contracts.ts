import { z } from 'zod';
import { receiptKinds } from '../shared/domain/engagement/receipt.ts';
import { interruptionLevels } from '../shared/domain/push/delivery-job.ts';
import { appIdPattern, platforms, tokenKeyPrefix } from '../shared/domain/push/device.ts';
import { isTimeZone } from '../shared/domain/users/time-zone.ts';

/** What a recipe rule's input transformer hands the planner. */
export const plannerInput = z.strictObject({ recipeId: z.string().min(1), event: z.unknown() });

export const fanoutTaskMessage = z.strictObject({
  taskId: z.string().min(1),
  recipeId: z.string().min(1),
  event: z.strictObject({
    id: z.string().min(1),
    source: z.string().min(1),
    detailType: z.string().min(1),
    time: z.iso.datetime({ offset: true }),
    detail: z.record(z.string(), z.unknown()),
  }),
  plannedAt: z.iso.datetime({ offset: true }),
  // A digest for recipes; `campaign:<id>#<run>` for a campaign's readers.
  identity: z.string().min(1).max(128),
  shard: z.number().int().nonnegative(),
  shards: z.number().int().positive().optional(),
  after: z.string().optional(),
  readSoFar: z.number().int().nonnegative().optional(),
  handovers: z.number().int().nonnegative().optional(),
  campaign: z
    .strictObject({
      id: z.string().min(1),
      run: z.string().min(1),
      source: z.number().int().nonnegative(),
      readers: z.number().int().positive(),
      perSecond: z.number().positive(),
      pacer: z.record(z.string(), z.number().int().nonnegative()).optional(),
    })
    .optional(),
});

const renderedPush = z.strictObject({
  title: z.string(),
  body: z.string(),
  deepLink: z.string().optional(),
  badge: z.number().int().nonnegative().optional(),
  sound: z.string().min(1).optional(),
  threadId: z.string().min(1).optional(),
  interruptionLevel: z.enum(interruptionLevels).optional(),
  collapseId: z.string().min(1).optional(),
});

const deliveryJobFields = z.strictObject({
  jobId: z.string().min(1),
  eventId: z.string().min(1),
  recipeId: z.string().min(1),
  variant: z.string().min(1),
  app: z.string().regex(appIdPattern).optional(),
  push: renderedPush.optional(),
  emit: z
    .strictObject({
      detailType: z.string().min(1),
      identity: z.string().min(1).max(64),
      detail: z.record(z.string(), z.unknown()),
    })
    .optional(),
  userIds: z.array(z.string().min(1)).min(1),
  personal: z
    .strictObject({
      template: z.strictObject({ title: z.string(), body: z.string(), deepLink: z.string().optional() }),
      values: z.record(z.string(), z.unknown()),
    })
    .optional(),
  eventTime: z.iso.datetime({ offset: true }).optional(),
  releaseAt: z.iso.datetime({ offset: true }).optional(),
  campaign: z.string().min(1).optional(),
  handovers: z.number().int().nonnegative().optional(),
  fatigue: z
    .strictObject({
      at: z.iso.datetime({ offset: true }),
      dedupeKey: z.string().min(1),
      enforce: z.boolean(),
      count: z.boolean(),
      reserved: z.boolean(),
      timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').optional(),
      counters: z.array(
        z.strictObject({
          layer: z.enum(['user', 'business', 'group', 'sender']),
          subject: z.string(),
          window: z.enum(['hour', 'day', 'week']),
          mode: z.enum(['calendar', 'rolling']),
          limit: z.number().int().min(0),
        }),
      ),
    })
    .optional(),
  attempt: z.number().int().min(1).optional(),
  onlyDevices: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
  settledUserIds: z.array(z.string().min(1)).optional(),
});
/** A job carries a push or, for an emit recipe, an emit action: never both, never neither. */
const pushOrEmit = (job: { push?: unknown; emit?: unknown }) =>
  (job.push === undefined) !== (job.emit === undefined);
export const deliveryJobMessage = deliveryJobFields.refine(pushOrEmit, {
  path: ['push'],
  message: 'a job carries either a push or an emit action',
});

/** A user id; never one that looks like a token item's key in the Devices table. */
const userId = z
  .string()
  .min(1)
  .max(128)
  .refine((id) => !id.startsWith(tokenKeyPrefix), { message: `must not start with "${tokenKeyPrefix}"` });

/** An app id, as the stack's `apps` context names it. */
const app = z.string().regex(appIdPattern, 'expected an app id: lower-case words joined by "-"');

export const deviceRegistrationRequest = z.strictObject({
  userId,
  /** The app registering; absent, the default app (`default`), as before apps existed. */
  app: app.optional(),
  platform: z.enum(platforms),
  token: z.string().min(8).max(4096),
  /** The app's stable id for its installation, so a rotated token updates the same device. */
  installationId: z.string().min(1).max(128).optional(),
});

export const deviceUnregistrationRequest = z.strictObject({
  userId,
  deviceId: z.string().min(1).max(64),
});

/** What an app POSTs to the receipt endpoint: the token its push carried, and what happened. */
export const receiptRequest = z.strictObject({
  /** About 300 characters as Herald signs it; the bound keeps a flood of junk cheap to refuse. */
  token: z.string().min(1).max(2048),
  kind: z.enum(receiptKinds),
});

const campaignId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a campaign id such as "winter-sale"');
const onCampaign = <A extends string>(action: A) => z.strictObject({ action: z.literal(action), campaignId });

/**
 * What the campaign function accepts, from ops through its Function URL and from Scheduler
 * (`launch`). The campaign itself is validated by the use case, whose errors name its fields.
 */
export const campaignRequest = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('create'), campaign: z.unknown() }),
  z.strictObject({ action: z.literal('dry-run'), campaign: z.unknown() }),
  onCampaign('start'),
  onCampaign('pause'),
  onCampaign('resume'),
  onCampaign('cancel'),
  onCampaign('status'),
  onCampaign('launch'),
  z.strictObject({ action: z.literal('list') }),
]);
