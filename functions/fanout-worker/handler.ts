import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { fanOutSlice } from '../../shared/use-cases/fan-out-slice.ts';
import { fanoutTaskMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

/** SQS consumer of the fan-out queue: one audience slice per message. */
export const createFanoutWorker = (ports: () => HeraldPorts) =>
  middy(async (event: SQSEvent) => {
    const deps = ports();
    return processBatch(event, fanoutTaskMessage, deps.fanoutDeadLetters, async (task) => {
      const result = await fanOutSlice(task, deps);
      logger.info('slice fanned out', { taskId: task.taskId, ...result });
    });
  });

export const handler = createFanoutWorker(lambdaPorts);
