import type { HeraldPorts } from '../herald-ports.ts';
import { MeteredHoldScheduler } from './metered-hold-scheduler.ts';
import { MeteredOutcomes } from './metered-outcomes.ts';
import { MeteredPushGateway } from './metered-push-gateway.ts';
import type { MetricRecorder } from './metrics.ts';

const wrapped = new WeakMap<HeraldPorts, WeakMap<MetricRecorder, HeraldPorts>>();

/**
 * The ports with the metering decorators in front of the outcome ledger, the push gateway and
 * the hold scheduler: the use cases stay unaware of metrics. Wrapped once per (ports, metrics).
 */
export const meteredPorts = (ports: HeraldPorts, metrics: MetricRecorder): HeraldPorts => {
  const byMetrics = wrapped.get(ports) ?? new WeakMap<MetricRecorder, HeraldPorts>();
  wrapped.set(ports, byMetrics);
  const known = byMetrics.get(metrics);
  if (known) return known;
  const metered: HeraldPorts = {
    ...ports,
    outcomes: new MeteredOutcomes(ports.outcomes, metrics),
    gateway: new MeteredPushGateway(ports.gateway, metrics),
    holds: new MeteredHoldScheduler(ports.holds, metrics),
  };
  byMetrics.set(metrics, metered);
  return metered;
};
