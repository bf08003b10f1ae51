import type { Node } from 'constructs';
import type { Platform } from '../shared/domain/push/device.ts';

/** A CDK context value (`-c key=value`, or cdk.json) Herald cannot deploy with. */
export class ContextError extends Error {
  readonly key: string;
  readonly reason: string;

  constructor(key: string, reason: string) {
    super(`context ${key}: ${reason}`);
    this.name = 'ContextError';
    this.key = key;
    this.reason = reason;
  }
}

/** What the app takes from the CDK context, checked. */
export interface HeraldContext {
  readonly platformApplicationArns: Readonly<Partial<Record<Platform, string>>>;
  /** Absent when not given: the stack's default applies. */
  readonly deviceMaxAgeDays?: number;
  /** Where alarm notifications are e-mailed; absent, the alarm topic has no subscription. */
  readonly alarmEmail?: string;
  /** The SNS endpoint of the canary device; absent, no canary runs. */
  readonly canaryEndpointArn?: string;
  /** A monthly budget (`monthlyBudgetUsd`) e-mailing `budgetEmail`, or the alarm e-mail; absent, none. */
  readonly budget?: { readonly monthlyUsd: number; readonly email: string };
  /** The S3 bucket of campaign lists (`s3://<bucket>/<key>`); absent, campaigns cannot read lists. */
  readonly campaignListsBucket?: string;
}

/** The context key of each platform's application, and the platform SNS names in its ARN. */
const platformContext: Record<Platform, { key: string; snsPlatform: string }> = {
  APNS: { key: 'apnsApplicationArn', snsPlatform: 'APNS' },
  APNS_SANDBOX: { key: 'apnsSandboxApplicationArn', snsPlatform: 'APNS_SANDBOX' },
  // SNS still calls Firebase Cloud Messaging by its old name.
  FCM: { key: 'fcmApplicationArn', snsPlatform: 'GCM' },
};

/** The purge handler refuses more (functions/device-purge/handler.ts); failing here fails the synth, not the first purge. */
const MAX_DEVICE_AGE_DAYS = 3650;

const applicationArn = (snsPlatform: string) =>
  new RegExp(`^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:app/${snsPlatform}/[\\w.-]{1,256}$`);

const endpointArn = new RegExp(
  `^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:endpoint/(${Object.values(platformContext)
    .map((p) => p.snsPlatform)
    .join('|')})/[\\w.-]{1,256}/[\\w-]{1,64}$`,
);

/** An S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens. */
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** An address SNS can send to: one `@`, a dot in the domain, no spaces. */
const emailAddress = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `-c key=` (empty) counts as not given, like an absent key. */
const contextValue = (node: Node, key: string): unknown => {
  const value = node.tryGetContext(key);
  return value === '' || value === null ? undefined : value;
};

const platformApplicationArn = (node: Node, platform: Platform): string | undefined => {
  const { key, snsPlatform } = platformContext[platform];
  const value = contextValue(node, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !applicationArn(snsPlatform).test(value)) {
    throw new ContextError(
      key,
      `${JSON.stringify(value)} is not the ARN of an SNS platform application for ${platform} ` +
        `(arn:aws:sns:<region>:<account>:app/${snsPlatform}/<name>)`,
    );
  }
  return value;
};

const deviceMaxAgeDays = (node: Node): number | undefined => {
  const key = 'deviceMaxAgeDays';
  const value = contextValue(node, key);
  if (value === undefined) return undefined;
  // `-c` gives a string, cdk.json may give a number; both must be a whole number of days.
  const days =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DEVICE_AGE_DAYS) {
    throw new ContextError(
      key,
      `${JSON.stringify(value)} is not a whole number of days from 1 to ${MAX_DEVICE_AGE_DAYS}`,
    );
  }
  return days;
};

/** Budgets take amounts up to this; more is surely a typo. */
const MAX_MONTHLY_BUDGET_USD = 1_000_000_000;

const monthlyBudgetUsd = (node: Node): number | undefined => {
  const key = 'monthlyBudgetUsd';
  const value = contextValue(node, key);
  if (value === undefined) return undefined;
  const usd =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d{1,2})?$/.test(value)
        ? Number(value)
        : NaN;
  if (
    !Number.isFinite(usd) ||
    usd <= 0 ||
    usd > MAX_MONTHLY_BUDGET_USD ||
    Math.round(usd * 100) !== usd * 100
  ) {
    throw new ContextError(
      key,
      `${JSON.stringify(value)} is not an amount of US dollars above 0 (250, or 99.50)`,
    );
  }
  return usd;
};

/** An optional string context value that must match `shape`, described as `what` when it does not. */
const matching = (node: Node, key: string, shape: RegExp, what: string): string | undefined => {
  const value = contextValue(node, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !shape.test(value)) {
    throw new ContextError(key, `${JSON.stringify(value)} is not ${what}`);
  }
  return value;
};

/**
 * Reads and checks Herald's context values, so a mistyped one fails the synth naming its key
 * rather than deploying `NaN` or an ARN no device can register with.
 */
export const heraldContext = (node: Node): HeraldContext => {
  const platformApplicationArns: Partial<Record<Platform, string>> = {};
  for (const platform of Object.keys(platformContext) as Platform[]) {
    const arn = platformApplicationArn(node, platform);
    if (arn) platformApplicationArns[platform] = arn;
  }
  const days = deviceMaxAgeDays(node);
  const alarmEmail = matching(node, 'alarmEmail', emailAddress, 'an e-mail address (ops@example.com)');
  const canaryEndpointArn = matching(
    node,
    'canaryEndpointArn',
    endpointArn,
    'the ARN of an SNS platform endpoint (arn:aws:sns:<region>:<account>:endpoint/<platform>/<application>/<id>)',
  );
  const campaignListsBucket = matching(
    node,
    'campaignListsBucket',
    bucketName,
    'an S3 bucket name (herald-campaign-lists)',
  );
  const budgetUsd = monthlyBudgetUsd(node);
  const budgetEmail =
    matching(node, 'budgetEmail', emailAddress, 'an e-mail address (finance@example.com)') ?? alarmEmail;
  if (budgetUsd !== undefined && budgetEmail === undefined)
    throw new ContextError(
      'monthlyBudgetUsd',
      'needs budgetEmail or alarmEmail, the address the budget e-mails',
    );
  return {
    platformApplicationArns,
    ...(budgetUsd !== undefined && budgetEmail
      ? { budget: { monthlyUsd: budgetUsd, email: budgetEmail } }
      : {}),
    ...(days === undefined ? {} : { deviceMaxAgeDays: days }),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(canaryEndpointArn ? { canaryEndpointArn } : {}),
    ...(campaignListsBucket ? { campaignListsBucket } : {}),
  };
};
