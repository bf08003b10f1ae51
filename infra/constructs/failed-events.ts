import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envName } from '../../functions/port-environment.ts';
import { rejectedEventsQueue, undeliverableEventsQueue } from '../../shared/resources/queues.ts';
import type { FunctionEnvironment } from '../function-environment.ts';
import { runbookAnchor } from '../runbook.ts';
import { HeraldQueue } from './herald-queue.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface FailedEventsProps {
  readonly environment: FunctionEnvironment;
}

/**
 * Where events end that reached Herald but were not acted on, for a person to look at: rejected
 * events (no rule or schema accepts them, kept with the reason) and undeliverable ones (a rule or
 * a scheduler could not hand them to their function after every retry).
 */
export class FailedEvents extends Construct implements Monitored {
  readonly rejected: Queue;
  readonly undeliverable: Queue;
  readonly monitoring: Monitoring;
  /** Both queues, in the shape the stages that send to them take. */
  readonly queues: { readonly rejected: IQueue; readonly undeliverable: IQueue };

  constructor(scope: Construct, id: string, props: FailedEventsProps) {
    super(scope, id);
    this.rejected = new HeraldQueue(this, rejectedEventsQueue).queue;
    this.undeliverable = new HeraldQueue(this, undeliverableEventsQueue).queue;
    this.queues = { rejected: this.rejected, undeliverable: this.undeliverable };
    props.environment.provide({ [envName.rejectedEventsUrl]: this.rejected.queueUrl });
    this.monitoring = {
      queues: [
        {
          kind: 'failed-work',
          label: 'Undeliverable events',
          queue: this.undeliverable,
          meaning:
            'EventBridge could not hand an event to the planner or the relation writer, they kept failing on it, ' +
            'or the daily device purge could not be started; no push was planned for it.',
          runbook: runbookAnchor.undeliverableEvents,
        },
        {
          kind: 'failed-work',
          label: 'Rejected events',
          queue: this.rejected,
          meaning:
            'Events reached Herald that no rule or schema accepts (an unknown source or detail-type, an invalid ' +
            'envelope); each is kept with the reason.',
          runbook: runbookAnchor.rejectedEvents,
        },
      ],
    };
  }
}
