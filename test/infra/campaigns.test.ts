import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { envName } from '../../functions/port-environment.ts';
import { HeraldDataStack } from '../../infra/herald-data-stack.ts';
import { HeraldStack } from '../../infra/herald-stack.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const apns = 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald';
const listsBucket = 'herald-campaign-lists';

const heraldApp = () => {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    outdir: mkdtempSync(join(tmpdir(), 'herald-campaigns-')),
  });
  const data = new HeraldDataStack(app, 'HeraldData');
  const stack = new HeraldStack(app, 'Herald', {
    tables: data.tables,
    platformApplicationArns: { APNS: apns },
    campaignListsBucket: listsBucket,
  });
  return { app, stack };
};

let template: Template;
let resources: Resources;

const idOf = (type: string, prefix: string) =>
  Object.keys(resources).find((id) => id.startsWith(prefix) && resources[id]!.Type === type)!;
/** Every statement of the policies attached to the role of the resource `roleId` (a role's logical id). */
const statementsOfRole = (roleId: string) =>
  Object.values(resources)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    )
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    )
    .map((s) => ({ actions: [s.Action].flat() as string[], resources: JSON.stringify(s.Resource) }));
const statementsOfFunction = (prefix: string) => {
  const fn = resources[idOf('AWS::Lambda::Function', prefix)]!;
  return statementsOfRole((fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!);
};
const resourcesOf = (prefix: string, action: string) =>
  statementsOfFunction(prefix)
    .filter((s) => s.actions.includes(action))
    .map((s) => s.resources);
const environmentOf = (prefix: string) =>
  (
    resources[idOf('AWS::Lambda::Function', prefix)]!.Properties.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('the Campaigns construct', () => {
  beforeAll(() => {
    template = Template.fromStack(heraldApp().stack);
    resources = (template.toJSON() as { Resources: Resources }).Resources;
  });

  it('serves the campaign function on a Function URL only SigV4-signed callers reach, and outputs it', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CampaignsFunction'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'Herald-campaigns',
      Runtime: 'nodejs24.x',
    });
    const outputs = template.findOutputs('*', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'FunctionUrl'] } });
    expect(Object.keys(outputs).filter((id) => id.startsWith('CampaignsCampaignUrl'))).toHaveLength(1);
  });

  it('lets Scheduler, through a role only this account’s schedules assume, invoke only the campaign function', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Herald-campaign-launches' });
    const roleId = idOf('AWS::IAM::Role', 'CampaignsLaunchRole');
    expect(resources[roleId]!.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    const statements = statementsOfRole(roleId);
    expect(statements).toHaveLength(2);
    expect(statements[0]!.actions).toEqual(['lambda:InvokeFunction']);
    expect(statements[0]!.resources).toContain(':function:Herald-campaigns"');
    expect(environmentOf('CampaignsFunction')[envName.campaignFunctionArn]).toEqual({
      'Fn::Join': ['', expect.arrayContaining([':function:Herald-campaigns'])],
    });
  });

  it('keeps a launch Scheduler cannot deliver in a dead-letter queue of its own, alarmed', () => {
    const queueId = idOf('AWS::SQS::Queue', 'CampaignLaunchDeadLetterQueue');
    expect(resources[queueId]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    // The role Scheduler assumes may send there, and only there besides the function.
    const sends = statementsOfRole(idOf('AWS::IAM::Role', 'CampaignsLaunchRole')).filter((s) =>
      s.actions.includes('sqs:SendMessage'),
    );
    expect(sends.map((s) => s.resources)).toEqual([JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] })]);
    expect(environmentOf('CampaignsFunction')[envName.campaignLaunchDeadLetterArn]).toEqual({
      'Fn::GetAtt': [queueId, 'Arn'],
    });
    const alarms = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties).includes(queueId),
    );
    expect(alarms).toHaveLength(1);
    expect(JSON.stringify(alarms[0]!.Properties.AlarmDescription)).toContain('runbook-campaign-launch-dlq');
    // A launch the function itself failed on, after Lambda's retries of Scheduler's asynchronous call.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf('AWS::Lambda::Function', 'CampaignsFunction') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    const functionSends = resourcesOf('CampaignsFunction', 'sqs:SendMessage');
    expect(functionSends).toContain(JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }));
  });

  it('grants the campaign function exactly its sends, its schedules and the roles it passes', () => {
    const sends = resourcesOf('CampaignsFunction', 'sqs:SendMessage');
    expect(sends.some((r) => r.includes('FanoutQueue'))).toBe(true);
    expect(sends.some((r) => r.includes('DeliveryQueue'))).toBe(true);
    const schedules = resourcesOf('CampaignsFunction', 'scheduler:CreateSchedule').join(' ');
    expect(schedules).toContain(':schedule/Herald-campaign-launches/*');
    expect(schedules).toContain(':schedule/Herald-holds/*');
    const passed = resourcesOf('CampaignsFunction', 'iam:PassRole').join(' ');
    expect(passed).toContain('CampaignsLaunchRole');
    expect(passed).toContain('HoldSchedulerRole');
    const actions = statementsOfFunction('CampaignsFunction').flatMap((s) => s.actions);
    expect(actions.filter((a) => a.startsWith('sns:') || a.startsWith('sqs:Receive'))).toEqual([]);
    expect(actions).not.toContain('lambda:InvokeFunction');
  });

  it('lets the campaign function and the fan-out worker read objects of the lists bucket only', () => {
    const objects = JSON.stringify({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${listsBucket}/*`]],
    });
    expect(resourcesOf('CampaignsFunction', 's3:GetObject')).toEqual([objects]);
    expect(resourcesOf('FanoutWorker', 's3:GetObject')).toEqual([objects]);
    expect(resourcesOf('DeliveryWorker', 's3:GetObject')).toEqual([]);
  });

  it('gives the workers the Campaigns table, and the delivery worker its holds, for campaign jobs', () => {
    for (const worker of ['FanoutWorker', 'DeliveryWorker', 'CampaignsFunction'])
      expect(Object.keys(environmentOf(worker)), worker).toContain(envName.campaignsTable);
    expect(Object.keys(environmentOf('DeliveryWorker'))).toEqual(
      expect.arrayContaining([envName.holdScheduleGroup, envName.holdSchedulerRoleArn]),
    );
    expect(resourcesOf('DeliveryWorker', 'scheduler:CreateSchedule').join(' ')).toContain(
      ':schedule/Herald-holds/*',
    );
    expect(Object.keys(environmentOf('FanoutWorker'))).not.toContain(envName.campaignLaunchGroup);
  });

  it('passes the cdk-nag AWS Solutions checks with the lists bucket configured', () => {
    const { app } = heraldApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
