import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, EventField, type EventPattern, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Platform } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import type { RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import { type BusRule, busRules, type RuleInput } from '../shared/domain/routing/bus-rules.ts';
import { compilePattern } from '../shared/event-patterns/index.ts';
import { type FunctionSizing, functionSizing } from '../shared/resources/functions.ts';
import {
  deliveryQueue,
  fanoutQueue,
  queueEnvName,
  rejectedEventsQueue,
  undeliverableEventsQueue,
} from '../shared/resources/queues.ts';
import { type TableDefinition, tableEnvName, tables } from '../shared/resources/tables.ts';
import { acknowledgeDesignedFindings } from './acknowledged-findings.ts';
import { DeviceRegistry, endpointArnsOf } from './constructs/device-registry.ts';
import { HeraldFunction } from './constructs/herald-function.ts';
import { HeraldQueue } from './constructs/herald-queue.ts';
import { grantTableAccess, tableAccess } from './table-access.ts';

export interface HeraldStackProps extends StackProps {
  readonly tables: ReadonlyMap<string, TableV2>;
  /** SNS platform applications by platform; a platform left out cannot register devices. */
  readonly platformApplicationArns: Readonly<Partial<Record<Platform, string>>>;
  /** The recipes whose rules the bus gets; the default catalog when absent. */
  readonly catalog?: RecipeCatalog;
  /** Devices whose app has not registered for this many days are purged (default 90). */
  readonly deviceMaxAgeDays?: number;
}

const platformEnv: Record<Platform, string> = {
  APNS: 'APNS_APPLICATION_ARN',
  APNS_SANDBOX: 'APNS_SANDBOX_APPLICATION_ARN',
  FCM: 'FCM_APPLICATION_ARN',
};

/** A constant whose `<name>` placeholders become the event fields `quotes` names. */
const quoting = (text: string, quotes: Readonly<Record<string, string>> = {}): string =>
  text.replace(/<([A-Za-z0-9_-]+)>/g, (placeholder, name: string) =>
    quotes[name] ? EventField.fromPath(quotes[name]) : placeholder,
  );

/** The input a rule hands its target, rendered as an EventBridge input transformer. */
const targetInput = (input: RuleInput): RuleTargetInput =>
  RuleTargetInput.fromObject({
    ...Object.fromEntries(Object.entries(input.constants).map(([k, v]) => [k, quoting(v, input.quotes)])),
    [input.eventField]: EventField.fromPath('$'),
  });

/** A shared pattern in the shape CDK's EventPattern takes; values pass through unchanged. */
const eventPatternOf = (rule: BusRule): EventPattern => {
  const { 'detail-type': detailType, ...rest } = rule.pattern;
  // CDK types content filters (anything-but, prefix...) as strings but renders any value as is.
  return { ...rest, ...(detailType ? { detailType } : {}) } as EventPattern;
};

/**
 * Herald's serverless pipeline: the event bus and its rules (generated from the recipe catalog),
 * the fan-out and delivery queues with their dead-letter queues, the functions with only
 * the rights each needs, and alarms on everything that holds failed work.
 */
export class HeraldStack extends Stack {
  readonly bus: EventBus;
  readonly functions: Readonly<
    Record<
      'relationWriter' | 'planner' | 'fanoutWorker' | 'deliveryWorker' | 'deviceRegistration' | 'devicePurge',
      IFunction
    >
  >;

  constructor(scope: Construct, id: string, props: HeraldStackProps) {
    super(scope, id, props);
    const table = (definition: TableDefinition) => props.tables.get(definition.id)!;
    const fanout = new HeraldQueue(this, fanoutQueue);
    const delivery = new HeraldQueue(this, deliveryQueue);
    const rejected = new HeraldQueue(this, rejectedEventsQueue).queue;
    const undeliverable = new HeraldQueue(this, undeliverableEventsQueue).queue;

    const environment: Record<string, string> = {};
    for (const definition of tables) environment[tableEnvName(definition)] = table(definition).tableName;
    const queueUrls: [string, Queue][] = [
      [queueEnvName(fanoutQueue), fanout.queue],
      [queueEnvName(fanoutQueue.deadLetterQueue!), fanout.deadLetterQueue!],
      [queueEnvName(deliveryQueue), delivery.queue],
      [queueEnvName(deliveryQueue.deadLetterQueue!), delivery.deadLetterQueue!],
      [queueEnvName(rejectedEventsQueue), rejected],
    ];
    for (const [name, queue] of queueUrls) environment[name] = queue.queueUrl;
    for (const [platform, arn] of Object.entries(props.platformApplicationArns)) {
      if (arn) environment[platformEnv[platform as Platform]] = arn;
    }

    // Pushes held for quiet hours longer than SQS timers allow become one-time schedules that
    // send the delivery job to the delivery queue when quiet hours end.
    const holdGroupName = `${this.stackName}-holds`;
    new CfnScheduleGroup(this, 'HoldSchedules', { name: holdGroupName });
    const holdSchedulerRole = new Role(this, 'HoldSchedulerRole', {
      // Only this account's schedules may use the role (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler release held delivery jobs to the delivery queue',
    });
    delivery.queue.grantSendMessages(holdSchedulerRole);
    // A hold Scheduler cannot deliver lands with the delivery dead letters, not nowhere.
    delivery.deadLetterQueue!.grantSendMessages(holdSchedulerRole);
    environment.HOLD_DEAD_LETTER_ARN = delivery.deadLetterQueue!.queueArn;
    environment.HOLD_SCHEDULE_GROUP = holdGroupName;
    environment.HOLD_SCHEDULER_ROLE_ARN = holdSchedulerRole.roleArn;
    environment.DELIVERY_QUEUE_ARN = delivery.queue.queueArn;

    const fn = (id: string, entry: string, description: string, sizing: FunctionSizing) =>
      new HeraldFunction(this, id, {
        entry,
        description,
        timeout: Duration.seconds(sizing.timeoutSeconds),
        memorySize: sizing.memoryMb,
        environment,
      }).fn;
    const relationWriter = fn(
      'RelationWriter',
      'functions/relation-writer/handler.ts',
      'Keeps relations from social events',
      functionSizing.relationWriter,
    );
    const planner = fn(
      'Planner',
      'functions/planner/handler.ts',
      'Plans a fired trigger; fans small audiences out itself',
      functionSizing.planner,
    );
    const fanoutWorker = fn(
      'FanoutWorker',
      'functions/fanout-worker/handler.ts',
      'Filters an audience slice into delivery jobs',
      functionSizing.fanoutWorker,
    );
    const deliveryWorker = fn(
      'DeliveryWorker',
      'functions/delivery-worker/handler.ts',
      'Publishes delivery jobs to SNS endpoints',
      functionSizing.deliveryWorker,
    );
    // EventBridge invokes these asynchronously: an event the function itself keeps failing on
    // after Lambda's retries lands on the undeliverable queue (and its alarm), not nowhere.
    for (const target of [relationWriter, planner]) {
      target.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(undeliverable) });
    }
    const applicationArns = Object.values(props.platformApplicationArns).filter((arn): arn is string =>
      Boolean(arn),
    );
    const devices = new DeviceRegistry(this, 'Devices', {
      environment,
      tables: props.tables,
      platformApplicationArns: applicationArns,
      deviceMaxAgeDays: props.deviceMaxAgeDays ?? 90,
      undeliverable,
    });
    this.functions = {
      relationWriter,
      planner,
      fanoutWorker,
      deliveryWorker,
      deviceRegistration: devices.registration,
      devicePurge: devices.purge,
    };

    // Least privilege: each function gets exactly the table calls its adapters make (table-access.ts).
    const tableOf = (id: string) => props.tables.get(id);
    grantTableAccess(relationWriter, tableAccess.relationWriter, tableOf);
    rejected.grantSendMessages(relationWriter);

    // The planner fans small audiences out itself, so it sends and holds jobs as the fan-out worker does.
    const canFanOut = (fn: IFunction) => {
      fanout.queue.grantSendMessages(fn);
      delivery.queue.grantSendMessages(fn);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['scheduler:CreateSchedule'],
          resources: [
            this.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${holdGroupName}/*`,
            }),
          ],
        }),
      );
      holdSchedulerRole.grantPassRole(fn.role!);
    };
    canFanOut(planner);
    grantTableAccess(planner, tableAccess.planner, tableOf);
    rejected.grantSendMessages(planner);
    canFanOut(fanoutWorker);
    grantTableAccess(fanoutWorker, tableAccess.fanoutWorker, tableOf);
    fanout.deadLetterQueue!.grantSendMessages(fanoutWorker);

    grantTableAccess(deliveryWorker, tableAccess.deliveryWorker, tableOf);
    delivery.deadLetterQueue!.grantSendMessages(deliveryWorker);
    // Follow-up jobs for throttled sends go back to the delivery queue.
    delivery.queue.grantSendMessages(deliveryWorker);
    const endpointArns = endpointArnsOf(applicationArns);
    if (endpointArns.length > 0) {
      deliveryWorker.addToRolePolicy(
        new PolicyStatement({ actions: ['sns:Publish'], resources: endpointArns }),
      );
    }

    // A worker asks for a message it hands back sooner than the visibility timeout (sqs-batch.ts).
    // The event source's consume grant covers this call too; granted here by name so the worker's
    // own call does not rest on how the event source happens to grant.
    fanout.queue.grant(fanoutWorker, 'sqs:ChangeMessageVisibility');
    delivery.queue.grant(deliveryWorker, 'sqs:ChangeMessageVisibility');

    fanoutWorker.addEventSource(
      new SqsEventSource(fanout.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 50 }),
    );
    deliveryWorker.addEventSource(
      new SqsEventSource(delivery.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 200,
      }),
    );

    this.bus = new EventBus(this, 'Bus', { eventBusName: `${this.stackName}-bus` });
    const lambdaTarget = (target: IFunction, rule: BusRule) =>
      new LambdaFunction(target, {
        deadLetterQueue: undeliverable,
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        ...(rule.input ? { event: targetInput(rule.input) } : {}),
      });
    for (const rule of busRules(props.catalog ?? defaultCatalog())) {
      // A pattern EventBridge would refuse fails the synth here, with AWS's reason, not the deploy.
      compilePattern(JSON.stringify(rule.pattern));
      const target =
        rule.target === 'rejected-events'
          ? new SqsQueue(rejected, {
              ...(rule.input ? { message: targetInput(rule.input) } : {}),
              deadLetterQueue: undeliverable,
            })
          : lambdaTarget(rule.target === 'planner' ? planner : relationWriter, rule);
      new Rule(this, `Rule-${rule.name}`, {
        eventBus: this.bus,
        ruleName: `${this.stackName}-${rule.name}`.slice(0, 64),
        description: rule.description.slice(0, 512),
        eventPattern: eventPatternOf(rule),
        targets: [target],
      });
    }

    const holdsFailedWork: [string, Queue][] = [
      ['FanoutDeadLetters', fanout.deadLetterQueue!],
      ['DeliveryDeadLetters', delivery.deadLetterQueue!],
      ['UndeliverableEvents', undeliverable],
      ['RejectedEvents', rejected],
    ];
    for (const [name, queue] of holdsFailedWork) {
      new Alarm(this, `${name}Alarm`, {
        alarmDescription: `${name}: messages are waiting for a person to look at them`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    acknowledgeDesignedFindings(this, {
      endpointArns: endpointArnsOf(applicationArns),
      holdGroupName,
      terminalQueues: [rejected, undeliverable],
    });
  }
}
