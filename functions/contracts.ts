import { z } from 'zod';
import { platforms } from '../shared/domain/push/device.ts';

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
  shard: z.number().int().nonnegative(),
  after: z.string().optional(),
});

export const deliveryJobMessage = z.strictObject({
  jobId: z.string().min(1),
  eventId: z.string().min(1),
  recipeId: z.string().min(1),
  variant: z.string().min(1),
  push: z.strictObject({ title: z.string(), body: z.string(), deepLink: z.string().optional() }),
  userIds: z.array(z.string().min(1)).min(1),
});

export const deviceRegistrationRequest = z.strictObject({
  userId: z.string().min(1).max(128),
  platform: z.enum(platforms),
  token: z.string().min(8).max(4096),
});
