import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag (AWS Solutions) findings Herald accepts by design, each with its reason. Everything
 * else fails the cdk-nag test in test/infra.
 */
export interface DesignedWildcards {
  /** Endpoint ARN patterns of the configured platform applications (`...:endpoint/APNS/herald/*`). */
  readonly endpointArns: readonly string[];
  /** The schedule group of quiet-hour holds. */
  readonly holdGroupName: string;
  /** The schedule group of campaign runs launched later, when the stack has campaigns. */
  readonly launchGroupName?: string;
  /** The bucket ops upload campaign lists to, when configured. */
  readonly listsBucket?: string;
  /** Queues where failed work ends, with no consumer and no dead-letter queue of their own. */
  readonly terminalQueues: readonly IConstruct[];
}

export const acknowledgeDesignedFindings = (stack: Stack, designed: DesignedWildcards): void => {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed basic execution role only lets a function write its own CloudWatch logs.',
  });
  const wildcard = (resource: string, reason: string) =>
    Validations.of(stack).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  wildcard('*', 'X-Ray accepts trace segments only on Resource "*".');
  for (const arn of designed.endpointArns) {
    wildcard(arn, 'SNS endpoints are created at run time, one per device, under the platform application.');
  }
  wildcard(
    `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${designed.holdGroupName}/*`,
    'Hold schedules are created at run time, one per held job, only in the stack own schedule group.',
  );
  if (designed.launchGroupName)
    wildcard(
      `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${designed.launchGroupName}/*`,
      'Launch schedules are created at run time, one per campaign run, only in the stack own schedule group.',
    );
  if (designed.listsBucket)
    wildcard(
      `arn:<AWS::Partition>:s3:::${designed.listsBucket}/*`,
      'Ops upload campaign lists under names of their choosing; Herald only reads (GetObject) objects of this one bucket.',
    );
  for (const queue of designed.terminalQueues) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself where failed work ends (rejected or undeliverable events, launches of campaign runs Scheduler could not deliver) and has no consumer.',
    });
  }
};
