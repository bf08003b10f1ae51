import { Duration, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envName } from '../../functions/port-environment.ts';
import { functionSizing } from '../../shared/resources/functions.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import type { FunctionEnvironment } from '../function-environment.ts';
import { keepLogicalId } from '../logical-ids.ts';
import { runbookAnchor } from '../runbook.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import { endpointArnsOf } from './device-registry.ts';
import { HeraldFunction } from './herald-function.ts';
import { HeraldQueue } from './herald-queue.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface DeliveryProps {
  readonly environment: FunctionEnvironment;
  readonly tables: ReadonlyMap<string, TableV2>;
  /** SNS platform applications whose endpoints the worker may publish to. */
  readonly platformApplicationArns: readonly string[];
  /** The canary device's endpoint: the worker is told it, and may publish to it. */
  readonly canaryEndpointArn?: string;
}

/**
 * Delivery: the queue of packed delivery jobs and its dead-letter queue, the worker that
 * publishes them to SNS endpoints, and the holds, one-time schedules that send a job held for
 * quiet hours to the delivery queue when they end.
 */
export class Delivery extends Construct implements Monitored {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: IFunction;
  /** The schedule group of quiet-hour holds, one schedule per held job. */
  readonly holdGroupName: string;
  readonly monitoring: Monitoring;
  readonly #holdSchedulerRole: Role;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const queues = new HeraldQueue(this, deliveryQueue);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue!;

    // Pushes held for quiet hours longer than SQS timers allow become one-time schedules that
    // send the delivery job to the delivery queue when quiet hours end.
    this.holdGroupName = `${stack.stackName}-holds`;
    const holdGroup = new CfnScheduleGroup(this, 'HoldSchedules', { name: this.holdGroupName });
    keepLogicalId(holdGroup, ['HoldSchedules']);
    this.#holdSchedulerRole = new Role(this, 'HoldSchedulerRole', {
      // Only this account's schedules may use the role (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler release held delivery jobs to the delivery queue',
    });
    // Every pending hold schedule names this role: a new one would strand them.
    keepLogicalId(this.#holdSchedulerRole, ['HoldSchedulerRole', 'Resource']);
    this.queue.grantSendMessages(this.#holdSchedulerRole);
    // A hold Scheduler cannot deliver lands with the delivery dead letters, not nowhere.
    this.deadLetterQueue.grantSendMessages(this.#holdSchedulerRole);

    props.environment.provide({
      [envName.deliveryQueueUrl]: this.queue.queueUrl,
      [envName.deliveryDeadLettersUrl]: this.deadLetterQueue.queueUrl,
      [envName.deliveryQueueArn]: this.queue.queueArn,
      [envName.holdDeadLetterArn]: this.deadLetterQueue.queueArn,
      [envName.holdScheduleGroup]: this.holdGroupName,
      [envName.holdSchedulerRoleArn]: this.#holdSchedulerRole.roleArn,
    });

    const sizing = functionSizing.deliveryWorker;
    const worker = new HeraldFunction(this, 'Worker', {
      entry: 'functions/delivery-worker/handler.ts',
      description: 'Publishes delivery jobs to SNS endpoints',
      timeout: Duration.seconds(sizing.timeoutSeconds),
      memorySize: sizing.memoryMb,
      environment: props.environment.of('deliveryWorker'),
    }).fn;
    this.worker = worker;

    // Least privilege: exactly the table calls its adapters make (table-access.ts).
    grantTableAccess(worker, tableAccess.deliveryWorker, (tableId) => props.tables.get(tableId));
    this.deadLetterQueue.grantSendMessages(worker);
    // Follow-up jobs for throttled sends go back to the delivery queue; a campaign job whose slot
    // a pause pushed later is held again (gateCampaignJob).
    this.grantDispatch(worker);
    const endpoints = endpointArnsOf(props.platformApplicationArns);
    const canary = props.canaryEndpointArn;
    // The canary's endpoint is usually one of the applications' own; named only when it is not.
    const publishTo =
      canary && !endpoints.some((pattern) => canary.startsWith(pattern.slice(0, -1)))
        ? [...endpoints, canary]
        : endpoints;
    if (publishTo.length > 0) {
      worker.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: publishTo }));
    }
    // A worker asks for a message it hands back sooner than the visibility timeout (sqs-batch.ts).
    // The event source's consume grant covers this call too; granted here by name so the worker's
    // own call does not rest on how the event source happens to grant.
    this.queue.grant(worker, 'sqs:ChangeMessageVisibility');
    worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 200 }),
    );
    this.monitoring = {
      functions: [{ label: 'Delivery worker', fn: worker }],
      queues: [
        {
          kind: 'work',
          label: 'Delivery queue',
          queue: this.queue,
          maxAge: Duration.minutes(30),
          meaning: 'Delivery is falling behind or failing: pushes are late.',
          runbook: runbookAnchor.deliveryQueueAge,
        },
        {
          kind: 'failed-work',
          label: 'Delivery dead letters',
          queue: this.deadLetterQueue,
          meaning:
            'Delivery jobs failed on every receive, or Scheduler could not release a held job: their recipients ' +
            'have not been sent these pushes.',
          runbook: runbookAnchor.deliveryDlq,
        },
      ],
    };
  }

  /**
   * Lets `fn` dispatch delivery jobs: send those due now to the delivery queue, and hold the
   * others as one-time schedules in the hold group that pass the hold role to Scheduler.
   */
  grantDispatch(fn: IFunction & IGrantable): void {
    this.queue.grantSendMessages(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [
          Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${this.holdGroupName}/*`,
          }),
        ],
      }),
    );
    this.#holdSchedulerRole.grantPassRole(fn.grantPrincipal);
  }
}
