import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
  metricDefinitions,
} from '../../shared/observability/metric-names.ts';
import { RUNBOOK_BASE_URL, type RunbookAnchor, runbookAnchor, runbookUrl } from '../runbook.ts';
import { CANARY_INTERVAL } from './canary.ts';
import type { Monitored, MonitoredFunction, MonitoredQueue } from './monitoring.ts';

export interface ObservabilityProps {
  /** The stage constructs, each saying which of its functions and queues to watch. */
  readonly parts: readonly Monitored[];
  /** Herald's tables, by id: their throttles are on the dashboard. */
  readonly tables: ReadonlyMap<string, TableV2>;
  /** SNS platform applications whose mobile-push failures are alarmed. */
  readonly platformApplicationArns: readonly string[];
  /** Whether the canary runs: its latency is alarmed only then. */
  readonly canary: boolean;
  /** Subscribed to the alarm topic by e-mail (the address confirms once). */
  readonly alarmEmail?: string;
}

/** Above this, the canary's event-to-push latency is too slow. */
export const CANARY_MAX_LATENCY = Duration.seconds(60);

/** Above this share of a platform application's pushes failing, something is wrong beyond a few stale devices. */
const PUSH_FAILURE_PERCENT = 5;
/** Fewer pushes than this in a period tell nothing about a failure rate. */
const PUSH_FAILURE_MIN_VOLUME = 20;

const PERIOD = Duration.minutes(5);

const idOf = (label: string) => label.replace(/[^A-Za-z0-9]/g, '');

/**
 * A Herald custom metric (Powertools, embedded metric format), by its one name. CloudWatch keys a
 * metric by its whole dimension set, so one the emitters record per recipe (or reason) is read
 * with a SEARCH over exactly that set: one line per recipe, reason or source.
 */
const heraldMetric = (name: MetricName, statistic: string, label?: string): IMetric => {
  const dimensions: readonly string[] = metricDefinitions[name].dimensions;
  if (dimensions.length === 0)
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic,
      period: PERIOD,
      ...(label ? { label } : {}),
    });
  const schema = [METRICS_NAMESPACE, 'service', ...dimensions].join(',');
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${name}" service="${METRICS_SERVICE}"', '${statistic}', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label: label ?? name,
    period: PERIOD,
  });
};

/** `arn:...:app/APNS/herald` as SNS's metric dimensions name it. */
const applicationOf = (arn: string) => {
  const [platform, name] = arn.slice(arn.indexOf(':app/') + ':app/'.length).split('/');
  return { Application: name!, Platform: platform! };
};

/**
 * What a person running Herald sees and is told: the alarm topic (KMS-encrypted, e-mail from
 * context), an alarm on everything that holds failed or late work, on every function's errors
 * and throttles, on mobile-push failures and on the canary, each wired to the topic both ways
 * and linking its runbook section; and one dashboard of the pipeline, from events in to pushes.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const functions = props.parts.flatMap((part) => part.monitoring.functions ?? []);
    const queues = props.parts.flatMap((part) => part.monitoring.queues ?? []);

    // CloudWatch publishes to an encrypted topic only with a customer managed key it may use.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts Herald alarm notifications',
      enableKeyRotation: true,
      // The key protects notifications in flight only; nothing stays encrypted under it.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Herald alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    for (const watched of queues) this.#watchQueue(watched);
    for (const watched of functions) this.#watchFunction(watched);
    for (const arn of props.platformApplicationArns) this.#watchPushFailures(arn);
    if (props.canary) {
      this.#alarm('CanaryAlarm', {
        metric: heraldMetric('CanaryLatencyMs', 'Maximum'),
        threshold: CANARY_MAX_LATENCY.toMilliseconds(),
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No canary push measured at all is the worst case: the whole path may be down.
        treatMissingData: TreatMissingData.BREACHING,
        meaning:
          `Canary: for ${3 * CANARY_INTERVAL.toMinutes()} minutes no canary push has reached the canary device ` +
          `within ${CANARY_MAX_LATENCY.toSeconds()} s of its event, or none has been measured at all. ` +
          'Pushes are late or not going out.',
        runbook: runbookAnchor.canary,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-pipeline`,
      defaultInterval: Duration.hours(3),
    });
    const half = { width: 12, height: 6 };
    const third = { width: 8, height: 6 };
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Herald\nFrom events in to pushes delivered. Each alarm links its section of the [runbook](${RUNBOOK_BASE_URL}#runbook).`,
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Events in, by source',
        left: [heraldMetric('EventsIn', 'Sum')],
        ...third,
      }),
      new GraphWidget({
        title: 'Planned, delivered, opened',
        left: [
          heraldMetric('Planned', 'Sum'),
          heraldMetric('Delivered', 'Sum'),
          heraldMetric('Opened', 'Sum'),
        ],
        ...third,
      }),
      new GraphWidget({
        title: 'Held for quiet hours',
        left: [heraldMetric('HeldPushes', 'Sum')],
        ...third,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Suppressed, by reason',
        left: [heraldMetric('Suppressed', 'Sum')],
        ...half,
      }),
      new GraphWidget({
        title: 'Failed, by reason',
        left: [heraldMetric('Failed', 'Sum')],
        ...half,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Event to push latency (canary, ms)',
        left: [heraldMetric('CanaryLatencyMs', 'Maximum', 'canary event to push (max)')],
        leftAnnotations: [{ value: CANARY_MAX_LATENCY.toMilliseconds(), label: 'alarm' }],
        ...third,
      }),
      new GraphWidget({
        title: 'SNS publish latency (ms)',
        left: [
          heraldMetric('PublishLatencyMs', 'p50', 'p50'),
          heraldMetric('PublishLatencyMs', 'p99', 'p99'),
        ],
        ...third,
      }),
      new GraphWidget({
        title: 'Fan-out: slice duration (ms) and jobs per task',
        left: [heraldMetric('SliceDurationMs', 'p99', 'slice duration p99')],
        right: [heraldMetric('JobsPerTask', 'Average', 'jobs per task')],
        ...third,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth (visible messages)',
        left: queues.map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({ label: q.label, period: PERIOD }),
        ),
        ...half,
      }),
      new GraphWidget({
        title: 'Age of oldest message (s)',
        left: queues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({
            label: q.label,
            period: PERIOD,
            statistic: 'Maximum',
          }),
        ),
        ...half,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: functions.map((f) => f.fn.metricErrors({ label: f.label, period: PERIOD })),
        ...half,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: functions.map((f) => f.fn.metricThrottles({ label: f.label, period: PERIOD })),
        ...half,
      }),
    );
    const tableThrottles = (metricName: string) =>
      [...props.tables].map(
        ([tableId, table]) =>
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: { TableName: table.tableName },
            statistic: 'Sum',
            period: PERIOD,
            label: tableId,
          }),
      );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'SNS mobile push failures',
        left: props.platformApplicationArns.flatMap((arn) => {
          const dimensionsMap = applicationOf(arn);
          return [
            new Metric({
              namespace: 'AWS/SNS',
              metricName: 'NumberOfNotificationsFailed',
              dimensionsMap,
              statistic: 'Sum',
              period: PERIOD,
              label: `${dimensionsMap.Platform} ${dimensionsMap.Application}`,
            }),
          ];
        }),
        ...third,
      }),
      new GraphWidget({
        title: 'DynamoDB read throttles',
        left: tableThrottles('ReadThrottleEvents'),
        ...third,
      }),
      new GraphWidget({
        title: 'DynamoDB write throttles',
        left: tableThrottles('WriteThrottleEvents'),
        ...third,
      }),
    );
  }

  /** An alarm wired to the topic when it fires and when it clears, linking its runbook section. */
  #alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      treatMissingData: TreatMissingData;
      meaning: string;
      runbook: RunbookAnchor;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods,
      ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
      treatMissingData: options.treatMissingData,
      alarmDescription: `${options.meaning} Runbook: ${runbookUrl(options.runbook)}`.slice(0, 1024),
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  #watchQueue(watched: MonitoredQueue): void {
    if (watched.kind === 'failed-work') {
      this.#alarm(`${idOf(watched.label)}Alarm`, {
        metric: watched.queue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
        }),
        threshold: 0,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        meaning: `${watched.label}: messages are waiting for a person to look at them. ${watched.meaning}`,
        runbook: watched.runbook,
      });
      return;
    }
    this.#alarm(`${idOf(watched.label)}AgeAlarm`, {
      metric: watched.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: watched.maxAge.toSeconds(),
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      meaning:
        `${watched.label}: its oldest message has waited more than ${watched.maxAge.toMinutes()} minutes ` +
        `for ten minutes. ${watched.meaning}`,
      runbook: watched.runbook,
    });
  }

  #watchFunction({ label, fn }: MonitoredFunction): void {
    this.#alarm(`${idOf(label)}ErrorsAlarm`, {
      metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      meaning:
        `${label}: invocations failed (the function threw, timed out or ran out of memory); ` +
        'their events or messages are being retried and may end on a dead-letter queue.',
      runbook: runbookAnchor.functionErrors,
    });
    this.#alarm(`${idOf(label)}ThrottlesAlarm`, {
      metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      meaning:
        `${label}: Lambda refused invocations for lack of concurrency in two of the last three ` +
        '5-minute periods; work waits on its queue or in EventBridge retries.',
      runbook: runbookAnchor.functionThrottles,
    });
  }

  #watchPushFailures(applicationArn: string): void {
    const dimensionsMap = applicationOf(applicationArn);
    const count = (metricName: string) =>
      new Metric({ namespace: 'AWS/SNS', metricName, dimensionsMap, statistic: 'Sum', period: PERIOD });
    const failed = 'FILL(failed, 0)';
    const all = `(${failed} + FILL(delivered, 0))`;
    this.#alarm(`PushFailures${idOf(dimensionsMap.Platform)}${idOf(dimensionsMap.Application)}Alarm`, {
      metric: new MathExpression({
        expression: `IF(${all} >= ${PUSH_FAILURE_MIN_VOLUME}, 100 * ${failed} / ${all}, 0)`,
        usingMetrics: {
          failed: count('NumberOfNotificationsFailed'),
          delivered: count('NumberOfNotificationsDelivered'),
        },
        label: `${dimensionsMap.Platform} ${dimensionsMap.Application}: failed pushes (%)`,
        period: PERIOD,
      }),
      threshold: PUSH_FAILURE_PERCENT,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      meaning:
        `Push failures: more than ${PUSH_FAILURE_PERCENT}% of the pushes SNS sent through ${applicationArn} ` +
        'failed at the platform (APNs or FCM) in two of the last three 5-minute periods.',
      runbook: runbookAnchor.pushFailures,
    });
  }
}
