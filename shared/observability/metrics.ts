import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type DimensionsOf,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
  metricDefinitions,
} from './metric-names.ts';

/** One embedded-metric-format document, as CloudWatch Logs reads it from a log line. */
export type EmfDocument = ReturnType<Metrics['serializeMetrics']>;

/** Where flushed EMF documents go: stdout on Lambda, a list (and maybe stderr) locally. */
export type EmfSink = (document: EmfDocument) => void;

/**
 * Port: what the handlers and the port decorators record. Values add up per invocation and
 * dimension set; latencies keep every value.
 */
export interface MetricRecorder {
  add<N extends MetricName>(name: N, value: number, dimensions: DimensionsOf<N>): void;
}

/** The line Lambda's log capture turns into metrics. */
export const stdoutSink: EmfSink = (document) => {
  process.stdout.write(`${JSON.stringify(document)}\n`);
};

/** EMF keeps at most 100 values per metric in one document. */
const MAX_VALUES = 100;
/** A dimension value that is not a short name (an error text, say) would add a metric per value. */
const BOUNDED_VALUE = /^[A-Za-z0-9._:-]{1,64}$/;

interface Pending {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Map<MetricName, number[]>;
}

/**
 * Herald's metrics in CloudWatch's embedded metric format, serialised by Powertools' `Metrics`.
 *
 * Powertools keeps one set of dimensions per document, but Herald's metrics are per recipe and
 * reason, and a batch's records run concurrently: adding dimensions to the shared instance would
 * let one record's recipe leak onto another's counts. So values are kept here per dimension set
 * during an invocation, and `flush` (the `observed` middleware's `after`) writes one document
 * per set through Powertools' serialiser, to the sink.
 *
 * @example
 * const metrics = new EmfMetrics();
 * metrics.add('Delivered', 1, { recipe: 'followed-seller-new-item' });
 * metrics.flush(); // {"_aws":{...},"service":"herald","recipe":"followed-seller-new-item","Delivered":1}
 */
export class EmfMetrics implements MetricRecorder {
  readonly #powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  readonly #pending = new Map<string, Pending>();
  #sinks: EmfSink[];

  constructor(...sinks: EmfSink[]) {
    this.#sinks = sinks.length > 0 ? sinks : [stdoutSink];
  }

  /** Sends flushed documents to `sink` as well. */
  alsoTo(sink: EmfSink): this {
    this.#sinks.push(sink);
    return this;
  }

  add<N extends MetricName>(name: N, value: number, dimensions: DimensionsOf<N>): void {
    if (!Number.isFinite(value)) return;
    const bounded: Record<string, string> = {};
    for (const key of metricDefinitions[name].dimensions) {
      const raw = (dimensions as Record<string, string>)[key] ?? '';
      bounded[key] = BOUNDED_VALUE.test(raw) ? raw : 'other';
    }
    const key = JSON.stringify(bounded);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = { dimensions: bounded, values: new Map() };
      this.#pending.set(key, pending);
    }
    const values = pending.values.get(name) ?? [];
    if (metricDefinitions[name].unit === 'Count' && values.length > 0) values[0]! += value;
    else values.push(value);
    pending.values.set(name, values);
  }

  /** Writes what was recorded since the last flush, one document per dimension set. */
  flush(): void {
    const groups = [...this.#pending.values()];
    this.#pending.clear();
    for (const { dimensions, values } of groups) {
      for (let chunk = 0; ; chunk++) {
        let added = false;
        for (const [name, all] of values) {
          for (const value of all.slice(chunk * MAX_VALUES, (chunk + 1) * MAX_VALUES)) {
            this.#powertools.addMetric(name, MetricUnit[metricDefinitions[name].unit], value);
            added = true;
          }
        }
        if (!added) break;
        if (Object.keys(dimensions).length > 0) this.#powertools.addDimensions(dimensions);
        const document = this.#powertools.serializeMetrics();
        this.#powertools.clearMetrics();
        this.#powertools.clearDimensions();
        for (const sink of this.#sinks) sink(document);
      }
    }
  }
}

/** The process's metrics on Lambda: flushed to stdout at the end of every invocation. */
export const metrics = new EmfMetrics();

/** Keeps every flushed document, for `runtime.metrics()` and tests. */
export const collectingSink = (): EmfSink & { readonly documents: EmfDocument[] } => {
  const documents: EmfDocument[] = [];
  return Object.assign((document: EmfDocument) => void documents.push(document), { documents });
};
