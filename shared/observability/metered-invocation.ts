import type { Context } from 'aws-lambda';
import { ACTION_SOURCE } from '../domain/actions/action-event.ts';
import { isEmptyUsage, type Usage } from '../domain/costs/price-table.ts';
import type { CostLedger } from '../domain/costs/usage-counters.ts';
import { logger } from './logger.ts';
import { type RequestMeter, requestMeter } from './request-meter.ts';

export interface MeteredInvocationOptions {
  /** Where the usage of the invocation goes (the ports' `costs`); nothing is written when absent. */
  readonly costs: () => CostLedger | undefined;
  /**
   * The overhead line of work that belongs to no message (`device-registration`, `relation-writes`,
   * `device-purge`): every invocation adds its whole usage there, in one UpdateItem. Absent (the
   * pipeline's workers): units of work claim their share and record it with their outcomes; only
   * requests no unit claimed go to the scope they ran for (the planner of a hot target sending its
   * tasks), or to the `pipeline` line.
   */
  readonly line?: string;
  /** Units the invocation bills besides its requests (the planner: its EventBridge event), given its event. */
  readonly perInvocation?: Partial<Usage> | ((event: unknown) => Partial<Usage>);
  readonly meter?: RequestMeter;
  readonly today?: () => string;
}

const utcDay = () => new Date().toISOString().slice(0, 10);

/**
 * Wraps a Lambda handler so that its invocation is metered: its memory (`context.memoryLimitInMB`)
 * and the number of SQS records sharing it go to the request meter, and what no unit of work
 * claimed is written once at the end (never dropped; a failed write is logged, not thrown).
 *
 * @example
 * export const handler = meteredInvocation(createDevicePurge(lambdaPorts), {
 *   line: 'device-purge',
 *   costs: () => lambdaPorts().costs,
 * });
 */
export const meteredInvocation = <E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  options: MeteredInvocationOptions,
): ((event: E, context: Context) => Promise<R>) => {
  const meter = options.meter ?? requestMeter;
  return (event, context) => {
    const records = (event as { Records?: unknown[] } | undefined)?.Records;
    return meter.invocation(
      {
        memoryMb: Number(context.memoryLimitInMB) || 1024,
        units: Array.isArray(records) ? records.length : 1,
        settle: async (remainder, names) => {
          const hasRequests = !isEmptyUsage({ ...remainder, lambdaInvocations: 0, lambdaGbSeconds: 0 });
          if (options.line === undefined && !hasRequests) return;
          const costs = options.costs();
          if (!costs) return;
          const day = (options.today ?? utcDay)();
          const [scope] = names;
          const write =
            options.line === undefined && names.size === 1 && scope !== undefined
              ? costs.addScopeUsage(scope, day, remainder)
              : costs.addOverhead(options.line ?? 'pipeline', day, remainder);
          await write.catch((error: unknown) =>
            logger.error('usage of an invocation could not be written', { error: error as Error }),
          );
        },
      },
      async () => {
        const { perInvocation } = options;
        if (perInvocation)
          meter.record(typeof perInvocation === 'function' ? perInvocation(event) : perInvocation);
        return handler(event, context);
      },
    );
  };
};

/** Metering of a handler whose work belongs to no message: all of it goes to overhead `line`. */
export const overhead = (
  line: string,
  ports: () => { readonly costs?: CostLedger },
): MeteredInvocationOptions => ({ line, costs: () => ports().costs });

/**
 * Metering of the planner: one EventBridge event per planned (event, recipe), claimed by its
 * fan-out; none for an event an emit action put on the bus, whose PutEvents the emitting recipe's
 * job was billed for already.
 */
export const plannerMetering = (ports: () => { readonly costs?: CostLedger }): MeteredInvocationOptions => ({
  costs: () => ports().costs,
  perInvocation: (input) =>
    (input as { event?: { source?: unknown } } | undefined)?.event?.source === ACTION_SOURCE
      ? {}
      : { eventBridgeEvents: 1 },
});
