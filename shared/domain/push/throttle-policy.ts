import type { PlatformPush } from './payload.ts';
import type { PublishResult, PushGateway } from './push-gateway.ts';

/** How a delivery job copes with a throttled push service. */
export interface ThrottlePolicy {
  /** Retries of a throttled publish inside the worker before the device goes to a follow-up job. */
  readonly retries: number;
  /** Backoff before retry n is a random share of min(cap, base * 2^n): "full jitter". */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** Follow-up jobs after the original; what is still throttled after the last one fails. */
  readonly maxFollowUps: number;
  /** SQS delay of follow-up number `attempt` (1, 2...). */
  readonly followUpDelaySeconds: (attempt: number) => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/**
 * SNS throttles per account and per second, so seconds of backoff are enough: a few quick
 * in-process retries absorb a burst, then follow-ups wait 2-3 s, 4-7 s, 8-15 s, 16-31 s.
 */
export const defaultThrottlePolicy: ThrottlePolicy = {
  retries: 3,
  backoffBaseMs: 50,
  backoffCapMs: 1000,
  maxFollowUps: 4,
  followUpDelaySeconds: (attempt) => Math.min(900, 2 ** attempt + Math.floor(Math.random() * 2 ** attempt)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Publishes, retrying only throttling, with jittered exponential backoff. */
export const publishWithBackoff = async (
  gateway: Pick<PushGateway, 'publish'>,
  endpointArn: string,
  push: PlatformPush,
  policy: ThrottlePolicy,
): Promise<PublishResult> => {
  for (let retry = 0; ; retry++) {
    const result = await gateway.publish(endpointArn, push);
    if (result.status !== 'throttled' || retry >= policy.retries) return result;
    await policy.sleep(policy.random() * Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** retry));
  }
};
