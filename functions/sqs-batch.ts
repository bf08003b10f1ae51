import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { HeraldError, RetryLaterError, ValidationError } from '../shared/domain/errors.ts';
import type { Redelivery, RejectedEvents } from '../shared/domain/ports.ts';
import { type RedeliveryBackoff, redeliveryBackoff } from '../shared/domain/redelivery-backoff.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { logger } from '../shared/observability/logger.ts';

/** Where `processBatch` sends the messages it does not finish. */
export interface BatchOutlets {
  /** Messages that could never succeed, kept with their reason. */
  readonly deadLetters: RejectedEvents;
  /** Asks for a handed-back message sooner than the queue's visibility timeout. */
  readonly redelivery: Redelivery;
  /** Delay before a handed-back message returns; `redeliveryBackoff` unless a test needs seconds. */
  readonly backoff?: RedeliveryBackoff;
}

/**
 * Runs `work` on every message of an SQS batch and reports only the failed ones, so one bad
 * message never sends its neighbours back to the queue. A message that cannot be parsed, or that
 * the domain refuses, is moved to the dead letters at once with its reason: retrying it could
 * never succeed. Anything else (a throttled write, a network error, another copy holding the
 * work's lease) is retried by SQS, after a backoff rather than the queue's visibility timeout:
 * that is sized at six times the worker's timeout (AWS's advice for event sources), 15 to 30
 * minutes, far too long to wait for a throttle or a lease to clear.
 */
export const processBatch = async <S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  { deadLetters, redelivery, backoff = redeliveryBackoff }: BatchOutlets,
  work: (message: z.output<S>, record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      let message: z.output<S>;
      try {
        message = parseOrThrow(schema, JSON.parse(record.body), 'body');
      } catch (error) {
        const reason = error instanceof ValidationError ? error.message : `body: not JSON (${String(error)})`;
        logger.warn('unreadable message moved to dead letters', { messageId: record.messageId, reason });
        await deadLetters.keep({ reason, event: record.body });
        return;
      }
      try {
        await work(message, record);
      } catch (error) {
        if (error instanceof HeraldError) {
          // A domain error (unknown recipe, broken contract) would fail the same way on every retry.
          logger.warn('message refused, moved to dead letters', {
            messageId: record.messageId,
            reason: error.message,
          });
          await deadLetters.keep({ reason: error.message, event: record.body });
          return;
        }
        failures.push({ itemIdentifier: record.messageId });
        const retryInSeconds = backoff(Number(record.attributes.ApproximateReceiveCount));
        const log = error instanceof RetryLaterError ? logger.info.bind(logger) : logger.error.bind(logger);
        log('message handed back, SQS will redeliver it', {
          messageId: record.messageId,
          retryInSeconds,
          error: error as Error,
        });
        try {
          await redelivery.redeliverAfter(
            { queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle },
            retryInSeconds,
          );
        } catch (redeliveryError) {
          // Still reported failed, so nothing is lost: SQS redelivers it after the visibility timeout.
          logger.warn(
            'could not bring the message back sooner, SQS will redeliver it after its visibility timeout',
            {
              messageId: record.messageId,
              error: redeliveryError as Error,
            },
          );
        }
      }
    }),
  );
  return { batchItemFailures: failures };
};
