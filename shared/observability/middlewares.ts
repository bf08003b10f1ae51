import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { type EmfMetrics, metrics as processMetrics } from './metrics.ts';
import { tracer } from './tracer.ts';

export interface FlushMetricsOptions {
  /** The metrics to flush; the process's (stdout, as Lambda wants) unless the local runtime gives its own. */
  readonly metrics: EmfMetrics;
}

const flushMetricsDefaults: FlushMetricsOptions = { metrics: processMetrics };

/**
 * Writes the invocation's metrics once it ends, returned or thrown, as Powertools' `logMetrics`
 * does for its own buffer (metrics.ts says why Herald keeps the values itself).
 */
export const flushMetrics = (options: Partial<FlushMetricsOptions> = {}): MiddlewareObj => {
  const { metrics } = { ...flushMetricsDefaults, ...options };
  const flushMetricsAfter = () => metrics.flush();
  const flushMetricsOnError = () => metrics.flush();
  return { after: flushMetricsAfter, onError: flushMetricsOnError };
};

export interface HandlerNameOptions {
  /** The function's role in the pipeline: `planner`, `delivery-worker`... */
  readonly name: string;
}

/** Names the handler on its trace, where X-Ray groups and filters by annotation. */
export const handlerName = (options: HandlerNameOptions): MiddlewareObj => {
  const handlerNameBefore = () => tracer.putAnnotation('handler', options.name);
  return { before: handlerNameBefore };
};

export interface ObservedOptions extends HandlerNameOptions, Partial<FlushMetricsOptions> {}

/**
 * Every Herald handler, observed: Powertools' logger with the Lambda context (request id, cold
 * start; keys reset per invocation), its tracer around the handler (responses left out of the
 * trace: they can name devices), and the invocation's metrics flushed as it ends.
 *
 * @example
 * export const createPlanner = (ports: () => HeraldPorts, metrics = processMetrics) =>
 *   observed(async (input: unknown) => ..., { name: 'planner', metrics });
 */
export const observed = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  options: ObservedOptions,
) =>
  middy<TEvent, TResult, Error, Context>(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(handlerName(options))
    .use(flushMetrics(options.metrics ? { metrics: options.metrics } : {}));
