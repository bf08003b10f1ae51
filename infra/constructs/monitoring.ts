import type { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { RunbookAnchor } from '../runbook.ts';

/** A function the observability construct watches: errors and throttles, on the dashboard and alarmed. */
export interface MonitoredFunction {
  /** How a person calls it: `Delivery worker`. */
  readonly label: string;
  readonly fn: IFunction;
}

/** A queue that work flows through: alarmed when its oldest message is too old. */
export interface MonitoredWorkQueue {
  readonly kind: 'work';
  readonly label: string;
  readonly queue: IQueue;
  /** Older than this, the oldest message means the pipeline is falling behind. */
  readonly maxAge: Duration;
  /** What a backlog on this queue means for the people waiting for pushes. */
  readonly meaning: string;
  readonly runbook: RunbookAnchor;
}

/** A queue where failed work ends: alarmed as soon as it holds a message. */
export interface MonitoredFailedWorkQueue {
  readonly kind: 'failed-work';
  readonly label: string;
  readonly queue: IQueue;
  /** What a message on this queue is, and what it cost. */
  readonly meaning: string;
  readonly runbook: RunbookAnchor;
}

export type MonitoredQueue = MonitoredWorkQueue | MonitoredFailedWorkQueue;

/** What a stage construct asks the observability construct to watch. */
export interface Monitoring {
  readonly functions?: readonly MonitoredFunction[];
  readonly queues?: readonly MonitoredQueue[];
}

/** A construct that says what of it should be watched. */
export interface Monitored {
  readonly monitoring: Monitoring;
}
