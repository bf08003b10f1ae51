import type { HeraldPorts } from '../shared/herald-ports.ts';
import { logger } from '../shared/observability/logger.ts';
import { ensureCanaryRecipient } from '../shared/use-cases/canary-recipient.ts';

let ensured: Promise<void> | undefined;

/**
 * On AWS the canary's device is the platform endpoint HERALD_CANARY_ENDPOINT_ARN names: the
 * planner makes it the canary user's once per container, before its first canary ping. Unset,
 * the canary has no audience (ops register the device as the README says).
 */
export const canaryRecipientOnce = (deps: HeraldPorts): Promise<void> => {
  const endpointArn = process.env.HERALD_CANARY_ENDPOINT_ARN;
  if (!endpointArn) return Promise.resolve();
  ensured ??= ensureCanaryRecipient({ endpointArn }, deps).catch((error: unknown) => {
    ensured = undefined;
    logger.error('could not register the canary device', { error: error as Error });
  });
  return ensured;
};
