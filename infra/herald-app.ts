import type { App } from 'aws-cdk-lib';
import { heraldContext } from './context.ts';
import { HeraldDataStack } from './herald-data-stack.ts';
import { HeraldStack } from './herald-stack.ts';

/**
 * Herald's two stacks in a CDK app, configured from its context. SNS platform applications are
 * referenced by ARN, never created here with credentials:
 * `cdk deploy -c apnsApplicationArn=arn:aws:sns:...:app/APNS/herald`.
 */
export const defineHerald = (app: App): void => {
  // Checked before any construct exists, so a bad value fails with its key and nothing else.
  const {
    platformApplicationArns,
    apps,
    publishers,
    registrars,
    deviceMaxAgeDays,
    alarmEmail,
    canaryEndpointArn,
    budget,
    recipeSet,
    campaignListsBucket,
  } = heraldContext(app.node);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const data = new HeraldDataStack(app, 'HeraldData', { env, description: 'Herald: tables (stateful)' });
  new HeraldStack(app, 'Herald', {
    env,
    description: 'Herald: event bus, rules, queues, functions, alarms and dashboard',
    tables: data.tables,
    platformApplicationArns,
    // More apps, each with its own platform applications (`-c apps='{"shop":{"APNS":"arn:..."}}'`).
    apps,
    // Per-team access to the bus (`-c publishers='[{"principal":"...","sources":["market.items"]}]'`).
    publishers,
    // The app backends that may register devices (`-c registrars='["arn:aws:iam::...:role/..."]'`).
    registrars,
    // Devices unseen for this many days are purged (`-c deviceMaxAgeDays=180`); the stack's 90 otherwise.
    ...(deviceMaxAgeDays === undefined ? {} : { deviceMaxAgeDays }),
    // Alarm e-mails (`-c alarmEmail=ops@example.com`) and the canary (`-c canaryEndpointArn=...`).
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(canaryEndpointArn ? { canaryEndpointArn } : {}),
    // A monthly budget (`-c monthlyBudgetUsd=500`), e-mailing `-c budgetEmail=...` or the alarm e-mail.
    ...(budget ? { budget } : {}),
    // The recipe set (`-c recipesDir=teams/listings`); the marketplace set under recipes/ otherwise.
    ...(recipeSet ? { recipeSet } : {}),
    // The bucket ops upload campaign lists to (`-c campaignListsBucket=...`): read-only for Herald.
    ...(campaignListsBucket ? { campaignListsBucket } : {}),
  });
};
