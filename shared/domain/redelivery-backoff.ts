/** Seconds before a handed-back message is received again, by its receive count (1 on the first). */
export type RedeliveryBackoff = (receiveCount: number) => number;

const FIRST_DELAY_SECONDS = 10;
const GROWTH = 3;
/**
 * Well under the work queues' visibility timeouts (15 and 30 minutes), which would otherwise be
 * the delay. With the growth above, the four retries a message gets before its fifth and last
 * receive span at least 320 s even with jitter: longer than the longest lease (the fan-out
 * worker's 300 s timeout), so a copy waiting for a lease is not handed over while the holder
 * may still finish.
 */
export const MAX_REDELIVERY_DELAY_SECONDS = 300;
/** ±20 %, so a throttled batch's messages do not all come back in the same second. */
const JITTER = 0.2;

/**
 * 10 s, 30 s, 90 s, 270 s, then 300 s, each ±20 %: a throttled write or a busy lease usually
 * clears within seconds, and one that does not should not be hammered.
 *
 * @example redeliveryBackoff(2) // ~30
 */
export const redeliveryBackoff = (receiveCount: number, random: () => number = Math.random): number => {
  const attempt = Math.max(1, Math.floor(receiveCount) || 1);
  const base = Math.min(MAX_REDELIVERY_DELAY_SECONDS, FIRST_DELAY_SECONDS * GROWTH ** (attempt - 1));
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.min(MAX_REDELIVERY_DELAY_SECONDS, Math.max(1, Math.round(jittered)));
};
