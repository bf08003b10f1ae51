import { readFileSync } from 'node:fs';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import { RUNBOOK_BASE_URL, runbookAnchor } from '../../infra/runbook.ts';
import { metricNames } from '../../shared/observability/metric-names.ts';

const apns = 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald';
const fcm = 'arn:aws:sns:us-east-1:123456789012:app/GCM/herald';
const canaryEndpoint =
  'arn:aws:sns:us-east-1:123456789012:endpoint/APNS/herald/0b7c7a7e-1f6a-3c1e-9d2a-5b1e2f3a4b5c';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The Herald stack's template, synthesized by the app from `context` (bundling off). */
const heraldWith = (context: Record<string, unknown> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  defineHerald(app);
  const template = Template.fromStack(app.node.findChild('Herald') as Stack);
  return { app, template, resources: (template.toJSON() as { Resources: Resources }).Resources };
};

const configured = heraldWith({ apnsApplicationArn: apns, fcmApplicationArn: fcm });
const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the alarms', () => {
  const alarms = ofType(configured.resources, 'AWS::CloudWatch::Alarm');
  const [[topicId]] = ofType(configured.resources, 'AWS::SNS::Topic') as [[string, unknown]];

  it('each tell the alarm topic when they fire and when they clear', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId }]);
    }
  });

  it('each say what they mean and link a runbook section the README has', () => {
    const readme = readFileSync('README.md', 'utf8');
    // GitHub's anchor of a heading: lower case, spaces to hyphens, punctuation dropped.
    const anchors = new Set(
      [...readme.matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) =>
        heading!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const anchor of Object.values(runbookAnchor)) expect(anchors, anchor).toContain(anchor);
    for (const [id, alarm] of alarms) {
      const description = alarm.Properties.AlarmDescription as string;
      const link = /Runbook: (\S+)$/.exec(description)?.[1];
      expect(link?.startsWith(`${RUNBOOK_BASE_URL}#runbook-`), `${id}: ${description}`).toBe(true);
      expect(Object.values(runbookAnchor)).toContain(link!.split('#')[1]);
    }
  });

  it('go to a KMS-encrypted, TLS-only topic CloudWatch may publish to, e-mailed when an address is given', () => {
    configured.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    configured.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    configured.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
    configured.template.resourceCountIs('AWS::SNS::Subscription', 0);

    heraldWith({ alarmEmail: 'ops@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('watch every queue: dead letters and kept events by depth, work queues by the age of their oldest message', () => {
    const queues = ofType(configured.resources, 'AWS::SQS::Queue').map(([id]) => id);
    const watched = (metricName: string) =>
      alarms
        .filter(([, alarm]) => alarm.Properties.MetricName === metricName)
        .map(([, alarm]) => {
          const [dimension] = alarm.Properties.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[];
          return dimension!.Value['Fn::GetAtt'][0];
        });

    const byDepth = watched('ApproximateNumberOfMessagesVisible');
    const byAge = watched('ApproximateAgeOfOldestMessage');

    expect(queues).toHaveLength(7);
    expect([...byDepth, ...byAge].sort()).toEqual([...queues].sort());
    expect(byAge.map((id) => id!.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'DeliveryQueue',
      'FanoutQueue',
    ]);
  });

  it('watch the errors and throttles of every function', () => {
    const functions = ofType(configured.resources, 'AWS::Lambda::Function').map(([id]) => id);
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = alarms
        .filter(([, alarm]) => alarm.Properties.MetricName === metricName)
        .map(([, alarm]) => (alarm.Properties.Dimensions as { Value: { Ref: string } }[])[0]!.Value.Ref);
      expect(watched.sort(), metricName).toEqual([...functions].sort());
    }
  });

  it('watch mobile-push failures of each configured platform application', () => {
    const pushAlarms = alarms.filter(([, alarm]) =>
      JSON.stringify(alarm.Properties).includes('NumberOfNotificationsFailed'),
    );
    const applications = pushAlarms.map(([, alarm]) => {
      const metrics = alarm.Properties.Metrics as {
        MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } };
      }[];
      const failed = metrics.find((m) => JSON.stringify(m).includes('NumberOfNotificationsFailed'))!;
      return Object.fromEntries(failed.MetricStat!.Metric.Dimensions.map((d) => [d.Name, d.Value]));
    });

    expect(applications).toEqual([
      { Application: 'herald', Platform: 'APNS' },
      { Application: 'herald', Platform: 'GCM' },
    ]);
  });
});

describe('the dashboard', () => {
  it('shows the pipeline, queues, functions, SNS failures, DynamoDB throttles and event to push latency', () => {
    const [[, dashboard]] = ofType(configured.resources, 'AWS::CloudWatch::Dashboard') as [
      [string, Resources[string]],
    ];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);

    for (const name of metricNames) expect(body, name).toContain(name);
    for (const name of [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'Errors',
      'Throttles',
      'NumberOfNotificationsFailed',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
    ]) {
      expect(body, name).toContain(name);
    }
    expect(body).toContain('service=\\\\\\"herald\\\\\\"');
  });
});

describe('the functions', () => {
  const functions = ofType(configured.resources, 'AWS::Lambda::Function');
  const variablesOf = (resources: Resources, prefix: string) => {
    const [, fn] = Object.entries(resources).find(
      ([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::Lambda::Function',
    )!;
    return Object.keys(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).sort();
  };

  it('trace with X-Ray and carry the Powertools service and metrics namespace', () => {
    expect(functions).toHaveLength(8);
    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect((fn.Properties.Environment as { Variables: unknown }).Variables, id).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'herald',
        POWERTOOLS_METRICS_NAMESPACE: 'Herald',
      });
    }
  });

  it('each get exactly the variables of the ports their handler uses', () => {
    // Change a line here together with functions/port-environment.ts when a handler uses another port.
    const every = ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];
    const holds = [
      'DELIVERY_QUEUE_ARN',
      'HOLD_DEAD_LETTER_ARN',
      'HOLD_SCHEDULER_ROLE_ARN',
      'HOLD_SCHEDULE_GROUP',
    ];
    const fanOut = [
      'RELATIONS_TABLE',
      'USERS_TABLE',
      'LEDGER_TABLE',
      'OUTCOMES_TABLE',
      'FANOUT_QUEUE_URL',
      'DELIVERY_QUEUE_URL',
      'HERALD_MESSAGE_LOG_STREAM',
      ...holds,
    ];
    const platforms = ['APNS_APPLICATION_ARN', 'FCM_APPLICATION_ARN'];
    const expected = {
      // Every function writes the usage of its invocations to the outcomes table (cost reports).
      RelationsWriter: ['RELATIONS_TABLE', 'REJECTED_EVENTS_QUEUE_URL', 'OUTCOMES_TABLE'],
      FanoutPlanner: [...fanOut, 'REJECTED_EVENTS_QUEUE_URL'],
      // Campaign readers: the campaign's state, and the Devices table for segments.
      FanoutWorker: [...fanOut, 'FANOUT_DEAD_LETTER_QUEUE_URL', 'CAMPAIGNS_TABLE', 'DEVICES_TABLE'],
      DeliveryWorker: [
        // A campaign job asks its campaign first: parked while paused, held again after a resume.
        'CAMPAIGNS_TABLE',
        ...holds,
        'DEVICES_TABLE',
        'USERS_TABLE',
        'LEDGER_TABLE',
        'OUTCOMES_TABLE',
        'DELIVERY_QUEUE_URL',
        'DELIVERY_DEAD_LETTER_QUEUE_URL',
        'HERALD_MESSAGE_LOG_STREAM',
        'RECEIPT_KEY_SECRET_ARN',
        // Emit actions put their events on Herald's bus.
        'HERALD_EVENT_BUS_NAME',
        ...platforms,
      ],
      DevicesRegistration: ['DEVICES_TABLE', ...platforms, 'OUTCOMES_TABLE'],
      CampaignsFunction: [
        'CAMPAIGNS_TABLE',
        'CAMPAIGN_LAUNCH_GROUP',
        'CAMPAIGN_LAUNCH_ROLE_ARN',
        'CAMPAIGN_FUNCTION_ARN',
        'CAMPAIGN_LAUNCH_DEAD_LETTER_ARN',
        'FANOUT_QUEUE_URL',
        'RELATIONS_TABLE',
        'DELIVERY_QUEUE_URL',
        ...holds,
        'OUTCOMES_TABLE',
        'LEDGER_TABLE',
        'DEVICES_TABLE',
        'USERS_TABLE',
      ],
      DevicesPurge: ['DEVICES_TABLE', ...platforms, 'DEVICE_MAX_AGE_DAYS', 'OUTCOMES_TABLE'],
    };

    const actual = Object.fromEntries(
      Object.keys(expected).map((prefix) => [prefix, variablesOf(configured.resources, prefix)]),
    );

    expect(actual).toEqual(
      Object.fromEntries(
        Object.entries(expected).map(([prefix, names]) => [prefix, [...names, ...every].sort()]),
      ),
    );
  });

  it('tell only the planner the canary endpoint (it registers the canary device), and only when there is one', () => {
    const withCanary = heraldWith({ apnsApplicationArn: apns, canaryEndpointArn: canaryEndpoint });
    const holding = (resources: Resources) =>
      ofType(resources, 'AWS::Lambda::Function')
        .filter(([, fn]) => JSON.stringify(fn.Properties.Environment).includes('HERALD_CANARY_ENDPOINT_ARN'))
        .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));

    expect(holding(withCanary.resources)).toEqual(['FanoutPlannerFunction']);
    expect(holding(configured.resources)).toEqual([]);
  });
});

describe('the canary', () => {
  it('puts a CanaryPing on the bus every 5 minutes through a role only this account may assume, and is alarmed', () => {
    const { template } = heraldWith({ apnsApplicationArn: apns, canaryEndpointArn: canaryEndpoint });

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus'), 'Arn'] },
        EventBridgeParameters: { DetailType: 'CanaryPing', Source: 'herald.canary' },
        Input: '{"sentAt":"<aws.scheduler.scheduled-time>"}',
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      }),
      Description: Match.stringLikeRegexp('canary'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Herald',
      MetricName: 'CanaryLatencyMs',
      Dimensions: [{ Name: 'service', Value: 'herald' }],
      Threshold: 60_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Period: 300,
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp(`#${runbookAnchor.canary}$`),
    });
  });

  it('does not run, nor alarm, without a canary endpoint', () => {
    configured.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    configured.template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'CanaryLatencyMs' },
      0,
    );
  });
});

describe('the split into constructs', () => {
  it('keeps the logical ids of queues, their policies, the bus, its rules, the hold group and role', () => {
    const kept = [
      'FanoutQueue76B7DFD8',
      'FanoutQueueDeadLetters26CDE978',
      'DeliveryQueue8F251BF1',
      'DeliveryQueueDeadLettersDAAF5EFC',
      'RejectedEventsQueue04A6232E',
      'UndeliverableEventsQueueD412DF96',
      'FanoutQueuePolicyE1F0FD24',
      'DeliveryQueueDeadLettersPolicy38377555',
      'RejectedEventsQueuePolicyB41EE6BF',
      'UndeliverableEventsQueuePolicy14659AA7',
      'BusEA82B648',
      'RulerecipefollowedsellernewitemF4600BAE',
      'RuleunknownsourcesF7700458',
      'HoldSchedules',
      'HoldSchedulerRole798BEB75',
    ];

    expect(kept.filter((id) => !configured.resources[id])).toEqual([]);
  });
});

describe('context values', () => {
  it.each([
    ['alarmEmail', 'ops', 'is not an e-mail address'],
    ['alarmEmail', 'ops@example', 'is not an e-mail address'],
    ['canaryEndpointArn', apns, 'is not the ARN of an SNS platform endpoint'],
    [
      'canaryEndpointArn',
      'arn:aws:sns:us-east-1:123456789012:endpoint/WNS/herald/1',
      'is not the ARN of an SNS platform endpoint',
    ],
  ])('refuses %s=%s, naming the key and why', (key, value, reason) => {
    expect(() => heraldWith({ [key]: value })).toThrow(`context ${key}: "${value}" ${reason}`);
  });

  it('passes the cdk-nag AWS Solutions checks with the canary and an alarm e-mail', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        apnsApplicationArn: apns,
        canaryEndpointArn: canaryEndpoint,
        alarmEmail: 'ops@example.com',
      },
    });
    defineHerald(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
