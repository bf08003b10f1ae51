import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../shared/domain/errors.ts';
import type { RejectedEvents } from '../shared/domain/ports.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import { logger } from '../shared/observability/logger.ts';

/**
 * Runs `work` on every message of an SQS batch and reports only the failed ones, so one bad
 * message never sends its neighbours back to the queue. A message that cannot be parsed is
 * moved to the dead letters at once with its reason: retrying it could never succeed.
 */
export const processBatch = async <S extends z.ZodType>(
  event: SQSEvent,
  schema: S,
  deadLetters: RejectedEvents,
  work: (message: z.output<S>) => Promise<void>,
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
        await work(message);
      } catch (error) {
        logger.error('message failed, SQS will redeliver it', { messageId: record.messageId, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
};
