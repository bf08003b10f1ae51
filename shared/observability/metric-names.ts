/**
 * Herald's CloudWatch metrics, defined once: the emitters (handlers and port decorators) and the
 * dashboard and alarms in CDK read this file, so a name or a dimension never drifts between them.
 * Every metric carries the default dimension `service=herald`, plus the dimensions listed here.
 * Dimension values are bounded sets (recipe ids, outcome reasons, event sources): never a user,
 * an event or a device.
 */
export const METRICS_NAMESPACE = 'Herald';
export const METRICS_SERVICE = 'herald';

export type MetricUnitName = 'Count' | 'Milliseconds';
export type DimensionName = 'source' | 'recipe' | 'reason';

export interface MetricDefinition {
  readonly unit: MetricUnitName;
  /** Dimensions besides `service`, in the order EMF declares them. */
  readonly dimensions: readonly DimensionName[];
  readonly description: string;
}

export const metricDefinitions = {
  EventsIn: {
    unit: 'Count',
    dimensions: ['source'],
    description: 'Events taken in: by the planner, once per recipe they trigger; by the relation writer',
  },
  Planned: { unit: 'Count', dimensions: ['recipe'], description: 'Recipients an audience planned' },
  Delivered: {
    unit: 'Count',
    dimensions: ['recipe'],
    description: 'Recipients at least one device of whom got the push',
  },
  Suppressed: {
    unit: 'Count',
    dimensions: ['recipe', 'reason'],
    description: 'Recipients a filter, quiet hours or a fatigue cap kept the push from',
  },
  Failed: {
    unit: 'Count',
    dimensions: ['recipe', 'reason'],
    description: 'Recipients the push could not reach',
  },
  Opened: { unit: 'Count', dimensions: ['recipe'], description: 'Pushes the app reported opened' },
  PublishLatencyMs: { unit: 'Milliseconds', dimensions: [], description: 'One publish to the push service' },
  SliceDurationMs: {
    unit: 'Milliseconds',
    dimensions: ['recipe'],
    description: 'One fan-out task, start to end',
  },
  JobsPerTask: {
    unit: 'Count',
    dimensions: ['recipe'],
    description: 'Delivery jobs one fan-out task packed',
  },
  HeldPushes: {
    unit: 'Count',
    dimensions: ['recipe'],
    description: 'Pushes held for the end of quiet hours',
  },
  CanaryLatencyMs: {
    unit: 'Milliseconds',
    dimensions: [],
    description: 'From a canary ping being sent to its push reaching the canary device',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metricDefinitions;

/** The dimensions `name` takes, as values. */
export type DimensionsOf<N extends MetricName> = {
  readonly [D in (typeof metricDefinitions)[N]['dimensions'][number]]: string;
};

export const metricNames = Object.keys(metricDefinitions) as MetricName[];
