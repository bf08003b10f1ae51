import { App } from 'aws-cdk-lib';
import type { Platform } from '../shared/domain/push/device.ts';
import { HeraldDataStack } from './herald-data-stack.ts';
import { HeraldStack } from './herald-stack.ts';

/**
 * The CDK app. SNS platform applications are referenced by ARN through context, never created
 * here with credentials: `cdk deploy -c apnsApplicationArn=arn:aws:sns:...:app/APNS/herald`.
 */
const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) || undefined;
const platformApplicationArns: Partial<Record<Platform, string>> = {
  APNS: context('apnsApplicationArn'),
  APNS_SANDBOX: context('apnsSandboxApplicationArn'),
  FCM: context('fcmApplicationArn'),
};
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
const data = new HeraldDataStack(app, 'HeraldData', { env, description: 'Herald: tables (stateful)' });
new HeraldStack(app, 'Herald', {
  env,
  description: 'Herald: event bus, rules, queues and functions',
  tables: data.tables,
  platformApplicationArns,
  // Devices unseen for this many days are purged (`-c deviceMaxAgeDays=180`); 90 by default.
  ...(context('deviceMaxAgeDays') ? { deviceMaxAgeDays: Number(context('deviceMaxAgeDays')) } : {}),
});
