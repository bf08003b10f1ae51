import { ArnFormat, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EventInvokeConfig, FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envName } from '../../functions/port-environment.ts';
import { campaignLaunchDeadLetterQueue } from '../../shared/resources/queues.ts';
import type { FunctionEnvironment } from '../function-environment.ts';
import { runbookAnchor } from '../runbook.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import type { Delivery } from './delivery.ts';
import { HeraldFunction } from './herald-function.ts';
import { HeraldQueue } from './herald-queue.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface CampaignsProps {
  readonly environment: FunctionEnvironment;
  /** Herald's tables by id (the Campaigns table among them, made by the data stack). */
  readonly tables: ReadonlyMap<string, TableV2>;
  /** Where a launch sends the readers of a run. */
  readonly fanoutQueue: IQueue;
  /** Where a resume sends parked jobs that are due, and holds the others. */
  readonly delivery: Delivery;
  /** The bucket ops upload lists to; the function and `listReaders` may read its objects. */
  readonly listsBucket?: string;
  /** Functions that read campaign lists besides the campaign function (the fan-out worker). */
  readonly listReaders?: readonly IFunction[];
}

/**
 * Campaigns for ops: the campaign function behind a Function URL with AWS_IAM auth, so that every
 * action is recorded with the IAM principal that signed it (a direct Invoke tells a function
 * nothing of its caller), and the schedule group where later runs wait, with the role Scheduler
 * assumes to invoke the function's `launch`.
 */
export class Campaigns extends Construct implements Monitored {
  readonly fn: IFunction;
  readonly url: string;
  /** The schedule group of later runs, one one-time schedule per run. */
  readonly launchGroupName: string;
  /** Where a launch goes that Scheduler could not deliver: read by people, not by a function. */
  readonly launchDeadLetters: IQueue;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CampaignsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.launchGroupName = `${stack.stackName}-campaign-launches`;
    new CfnScheduleGroup(this, 'LaunchSchedules', { name: this.launchGroupName });
    // The function's environment names its own ARN (a schedule's target): known from its name, no cycle.
    const functionName = `${stack.stackName}-campaigns`;
    const functionArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const launchRole = new Role(this, 'LaunchRole', {
      // Only this account's schedules may use the role (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler launch the runs of campaigns',
    });
    launchRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [functionArn] }),
    );
    // A launch Scheduler cannot deliver after its retries lands here, not nowhere: a run that
    // never started would otherwise only show as a campaign stuck `scheduled`.
    const launchDeadLetters = new HeraldQueue(this, campaignLaunchDeadLetterQueue).queue;
    this.launchDeadLetters = launchDeadLetters;
    launchDeadLetters.grantSendMessages(launchRole);
    props.environment.provide({
      [envName.campaignLaunchGroup]: this.launchGroupName,
      [envName.campaignLaunchRoleArn]: launchRole.roleArn,
      [envName.campaignFunctionArn]: functionArn,
      [envName.campaignLaunchDeadLetterArn]: launchDeadLetters.queueArn,
    });

    const fn = new HeraldFunction(this, 'Function', {
      entry: 'functions/campaign/handler.ts',
      functionName,
      description:
        "Ops' campaign actions (create, start, pause, resume, cancel, status, list) and Scheduler's launches",
      timeout: Duration.seconds(60),
      environment: props.environment.of('campaign'),
    }).fn;
    this.fn = fn;
    // Scheduler invokes asynchronously: a launch that fails after Lambda's own retries goes to
    // the same dead letters as one Scheduler could not deliver.
    new EventInvokeConfig(this, 'LaunchFailures', {
      function: fn,
      onFailure: new SqsDestination(launchDeadLetters),
      retryAttempts: 2,
    });
    grantTableAccess(fn, tableAccess.campaign, (tableId) => props.tables.get(tableId));
    props.fanoutQueue.grantSendMessages(fn);
    props.delivery.grantDispatch(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [
          stack.formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${this.launchGroupName}/*`,
          }),
        ],
      }),
    );
    launchRole.grantPassRole(fn.grantPrincipal);
    if (props.listsBucket) {
      const objects = stack.formatArn({
        service: 's3',
        region: '',
        account: '',
        resource: props.listsBucket,
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      for (const reader of [fn, ...(props.listReaders ?? [])])
        reader.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    }

    const url = fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    this.url = url.url;
    new CfnOutput(this, 'CampaignUrl', {
      value: url.url,
      description:
        'Campaign actions: POST {"action", ...} SigV4-signed (AWS_IAM); `herald campaign --aws --url`',
    });
    this.monitoring = {
      functions: [{ label: 'Campaigns', fn }],
      queues: [
        {
          kind: 'failed-work',
          label: 'Campaign launch dead letters',
          queue: launchDeadLetters,
          meaning: 'Scheduler could not start a run of a campaign: its audience has not been read or pushed.',
          runbook: runbookAnchor.campaignLaunchDlq,
        },
      ],
    };
  }
}
