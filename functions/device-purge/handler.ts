import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { purgeStaleDevices } from '../../shared/use-cases/purge-stale-devices.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** How long a device may go without registering before it is purged; set by the stack. */
const purgeEnvironment = z.object({
  DEVICE_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  DEVICE_PURGE_SEGMENTS: z.coerce.number().int().min(1).max(64).default(4),
});

/** Scheduled once a day: removes devices whose app has not registered for the configured time. */
export const createDevicePurge = (ports: () => HeraldPorts) =>
  observed(
    async (_event: unknown, context: Context) => {
      const env = parseOrThrow(purgeEnvironment, process.env, 'env');
      const result = await purgeStaleDevices(
        { maxAgeDays: env.DEVICE_MAX_AGE_DAYS, segments: env.DEVICE_PURGE_SEGMENTS },
        { ...ports(), timeLeftMs: () => context.getRemainingTimeInMillis() },
      );
      if (!result.complete) logger.warn('device purge stopped before its deadline', { ...result });
      else logger.info('devices purged', { ...result });
      return result;
    },
    { name: 'device-purge' },
  );

export const handler = meteredInvocation(
  createDevicePurge(lambdaPorts),
  overhead('device-purge', lambdaPorts),
);
