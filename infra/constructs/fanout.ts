import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envName } from '../../functions/port-environment.ts';
import { functionSizing } from '../../shared/resources/functions.ts';
import { fanoutQueue } from '../../shared/resources/queues.ts';
import { devicesTable } from '../../shared/resources/tables.ts';
import type { FunctionEnvironment } from '../function-environment.ts';
import { runbookAnchor } from '../runbook.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import type { Delivery } from './delivery.ts';
import { HeraldFunction } from './herald-function.ts';
import { HeraldQueue } from './herald-queue.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface FanoutProps {
  readonly environment: FunctionEnvironment;
  readonly tables: ReadonlyMap<string, TableV2>;
  /** Where the planner and the worker send delivery jobs and holds. */
  readonly delivery: Delivery;
  /** Where the planner keeps triggers it cannot plan, with the reason. */
  readonly rejected: IQueue;
  /** Where an event the planner keeps failing on ends after Lambda's retries. */
  readonly undeliverable: IQueue;
  /** The canary device's endpoint: the planner makes it the canary user's device before its first ping. */
  readonly canaryEndpointArn?: string;
}

/**
 * Fan-out: the planner (target of every recipe rule), which plans a fired trigger and fans small
 * audiences out itself; the queue of audience slices and its dead-letter queue; and the worker
 * that filters a slice into delivery jobs.
 */
export class Fanout extends Construct implements Monitored {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly planner: IFunction;
  readonly worker: IFunction;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: FanoutProps) {
    super(scope, id);
    const queues = new HeraldQueue(this, fanoutQueue);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue!;
    props.environment.provide({
      [envName.fanoutQueueUrl]: this.queue.queueUrl,
      [envName.fanoutDeadLettersUrl]: this.deadLetterQueue.queueUrl,
    });
    const tableOf = (tableId: string) => props.tables.get(tableId);

    const planner = new HeraldFunction(this, 'Planner', {
      entry: 'functions/planner/handler.ts',
      description: 'Plans a fired trigger; fans small audiences out itself',
      timeout: Duration.seconds(functionSizing.planner.timeoutSeconds),
      memorySize: functionSizing.planner.memoryMb,
      environment: props.environment.of('planner', canaryEnvironment(props)),
    }).fn;
    this.planner = planner;
    if (props.canaryEndpointArn) {
      // functions/canary-recipient.ts: reads the endpoint once, saves it as the canary's device.
      planner.addToRolePolicy(
        new PolicyStatement({ actions: ['sns:GetEndpointAttributes'], resources: [props.canaryEndpointArn] }),
      );
      grantTableAccess(planner, { [devicesTable.id]: ['UpdateItem'] }, (tableId) =>
        props.tables.get(tableId),
      );
    }
    // EventBridge invokes the planner asynchronously: an event it keeps failing on after Lambda's
    // retries lands on the undeliverable queue (and its alarm), not nowhere.
    planner.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(props.undeliverable) });
    grantTableAccess(planner, tableAccess.planner, tableOf);
    props.rejected.grantSendMessages(planner);
    // The planner fans small audiences out itself, so it sends and holds jobs as the worker does.
    this.queue.grantSendMessages(planner);
    props.delivery.grantDispatch(planner);

    const worker = new HeraldFunction(this, 'Worker', {
      entry: 'functions/fanout-worker/handler.ts',
      description: 'Filters an audience slice into delivery jobs',
      timeout: Duration.seconds(functionSizing.fanoutWorker.timeoutSeconds),
      memorySize: functionSizing.fanoutWorker.memoryMb,
      environment: props.environment.of('fanoutWorker'),
    }).fn;
    this.worker = worker;
    grantTableAccess(worker, tableAccess.fanoutWorker, tableOf);
    // Follow-up tasks for the rest of a slice go back to the fan-out queue.
    this.queue.grantSendMessages(worker);
    this.deadLetterQueue.grantSendMessages(worker);
    props.delivery.grantDispatch(worker);
    // A worker asks for a message it hands back sooner than the visibility timeout (sqs-batch.ts).
    this.queue.grant(worker, 'sqs:ChangeMessageVisibility');
    worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 50 }),
    );
    this.monitoring = {
      functions: [
        { label: 'Planner', fn: planner },
        { label: 'Fan-out worker', fn: worker },
      ],
      queues: [
        {
          kind: 'work',
          label: 'Fan-out queue',
          queue: this.queue,
          maxAge: Duration.minutes(30),
          meaning: 'Fan-out is falling behind or failing: pushes of recently fired triggers are late.',
          runbook: runbookAnchor.fanoutQueueAge,
        },
        {
          kind: 'failed-work',
          label: 'Fan-out dead letters',
          queue: this.deadLetterQueue,
          meaning:
            'Audience slices failed on every receive: recipients in them have not been planned for these triggers.',
          runbook: runbookAnchor.fanoutDlq,
        },
      ],
    };
  }
}

/** The planner's own variables when the canary runs: its endpoint, and the table its device goes in. */
const canaryEnvironment = (props: FanoutProps): Record<string, string> =>
  props.canaryEndpointArn
    ? {
        [envName.canaryEndpointArn]: props.canaryEndpointArn,
        [envName.devicesTable]: props.tables.get(devicesTable.id)!.tableName,
      }
    : {};
