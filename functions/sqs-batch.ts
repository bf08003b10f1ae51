import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { HeraldError, RetryLaterError, ValidationError } from '../shared/domain/errors.ts';
import type { RejectedEvents } from '../shared/domain/ports.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { logger } from '../shared/observability/logger.ts';

/**
 * Runs `work` on every message of an SQS batch and reports only the failed ones, so one bad
 * message never sends its neighbours back to the queue. A message that cannot be parsed, or that
 * the domain refuses, is moved to the dead letters at once with its reason: retrying it could
 * never succeed. Anything else (a throttled write, a network error) is retried by SQS.
 */
export const processBatch = async <S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  deadLetters: RejectedEvents,
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
        const log = error instanceof RetryLaterError ? logger.info.bind(logger) : logger.error.bind(logger);
        log('message handed back, SQS will redeliver it', {
          messageId: record.messageId,
          error: error as Error,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
};
