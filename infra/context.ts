import type { Node } from 'constructs';
import { z } from 'zod';
import { problemLine, readRecipeSetFiles } from '../shared/adapters/files/recipe-set-files.ts';
import { appIdPattern, defaultApp, type Platform, platforms } from '../shared/domain/push/device.ts';
import type { RecipeSetFiles } from '../shared/domain/recipes/recipe-set.ts';
import { ContextError, contextValue, jsonContext } from './context-json.ts';
import { type Publisher, publishersSchema, registrarsSchema } from './publishers.ts';

export { ContextError } from './context-json.ts';

/** One app's SNS platform applications, by platform. */
export type PlatformApplicationArns = Readonly<Partial<Record<Platform, string>>>;

/** What the app takes from the CDK context, checked. */
export interface HeraldContext {
  /** The default app's platform applications (`apnsApplicationArn`... or `apps.default`). */
  readonly platformApplicationArns: PlatformApplicationArns;
  /** The other apps' platform applications, by app id (`apps`); empty for a single app. */
  readonly apps: Readonly<Record<string, PlatformApplicationArns>>;
  /** Who may put which sources on the bus (`publishers`); empty, the bus has no resource policy. */
  readonly publishers: readonly Publisher[];
  /** The app backends' roles the registration URL lets in (`registrars`); empty, identity policies decide. */
  readonly registrars: readonly string[];
  /** Absent when not given: the stack's default applies. */
  readonly deviceMaxAgeDays?: number;
  /** Where alarm notifications are e-mailed; absent, the alarm topic has no subscription. */
  readonly alarmEmail?: string;
  /** The SNS endpoint of the canary device; absent, no canary runs. */
  readonly canaryEndpointArn?: string;
  /** A monthly budget (`monthlyBudgetUsd`) e-mailing `budgetEmail`, or the alarm e-mail; absent, none. */
  readonly budget?: { readonly monthlyUsd: number; readonly email: string };
  /** The recipe set read from `recipesDir`; absent, the stack deploys the marketplace set. */
  readonly recipeSet?: RecipeSetFiles;
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

/**
 * The `apps` context: each app's platform applications, `{"shop": {"APNS": "arn:...", "FCM": "arn:..."}}`.
 * An app names at least one; an application serves one app (its endpoints are that app's devices).
 */
const appsSchema = z
  .record(z.string(), z.record(z.string(), z.string()))
  .superRefine((apps, context) => {
    for (const [app, arns] of Object.entries(apps)) {
      const issue = (path: string[], message: string) =>
        context.addIssue({ code: 'custom', path: [app, ...path], message });
      if (!appIdPattern.test(app)) issue([], 'expected an app id: lower-case words joined by "-"');
      if (Object.keys(arns).length === 0) issue([], 'names no platform application');
      for (const [platform, arn] of Object.entries(arns)) {
        if (!platforms.includes(platform as Platform))
          issue([platform], `is not a platform (${platforms.join(', ')})`);
        else if (!applicationArn(platformContext[platform as Platform].snsPlatform).test(arn))
          issue([platform], notApplicationOf(arn, platform as Platform));
      }
    }
  })
  .superRefine((apps, context) => {
    const users = new Map<string, string>();
    for (const [app, arns] of Object.entries(apps))
      for (const [platform, arn] of Object.entries(arns)) {
        const other = users.get(arn);
        if (other)
          context.addIssue({
            code: 'custom',
            path: [app, platform],
            message: `is apps.${other}'s application too: each app has its own`,
          });
        users.set(arn, `${app}.${platform}`);
      }
  });

/**
 * The default app's applications (the single-app keys, or `apps.default`) and the other apps'.
 * Both ways of giving the default app's at once would leave one silently unused: refused.
 */
const appApplications = (node: Node, legacy: PlatformApplicationArns) => {
  const { [defaultApp]: fromApps, ...others } = jsonContext(node, 'apps', appsSchema) ?? {};
  if (fromApps && Object.keys(legacy).length > 0)
    throw new ContextError(
      `apps.${defaultApp}`,
      'the default app is given by apnsApplicationArn/apnsSandboxApplicationArn/fcmApplicationArn too: use one way',
    );
  const defaults = fromApps ?? legacy;
  const used = new Set(Object.values(defaults));
  for (const [app, arns] of Object.entries(others))
    for (const [platform, arn] of Object.entries(arns))
      if (used.has(arn))
        throw new ContextError(
          `apps.${app}.${platform}`,
          "is the default app's application too: each app has its own",
        );
  return { platformApplicationArns: defaults, apps: others };
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

const notApplicationOf = (value: unknown, platform: Platform) =>
  `${JSON.stringify(value)} is not the ARN of an SNS platform application for ${platform} ` +
  `(arn:aws:sns:<region>:<account>:app/${platformContext[platform].snsPlatform}/<name>)`;

const platformApplicationArn = (node: Node, platform: Platform): string | undefined => {
  const { key, snsPlatform } = platformContext[platform];
  const value = contextValue(node, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !applicationArn(snsPlatform).test(value)) {
    throw new ContextError(key, notApplicationOf(value, platform));
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

/** `-c recipesDir=teams/listings`: a folder a file problem of which fails the synth, named. */
const recipeSet = (node: Node): RecipeSetFiles | undefined => {
  const dir = matching(node, 'recipesDir', /\S/, 'a folder (teams/listings)');
  if (dir === undefined) return undefined;
  const { files, problems } = readRecipeSetFiles(dir);
  if (problems.length > 0)
    throw new ContextError('recipesDir', problems.map((p) => problemLine(dir, p)).join('; '));
  return files;
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
  const recipes = recipeSet(node);
  const budgetEmail =
    matching(node, 'budgetEmail', emailAddress, 'an e-mail address (finance@example.com)') ?? alarmEmail;
  if (budgetUsd !== undefined && budgetEmail === undefined)
    throw new ContextError(
      'monthlyBudgetUsd',
      'needs budgetEmail or alarmEmail, the address the budget e-mails',
    );
  return {
    ...appApplications(node, platformApplicationArns),
    publishers: jsonContext(node, 'publishers', publishersSchema) ?? [],
    registrars: jsonContext(node, 'registrars', registrarsSchema) ?? [],
    ...(budgetUsd !== undefined && budgetEmail
      ? { budget: { monthlyUsd: budgetUsd, email: budgetEmail } }
      : {}),
    ...(days === undefined ? {} : { deviceMaxAgeDays: days }),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(canaryEndpointArn ? { canaryEndpointArn } : {}),
    ...(recipes ? { recipeSet: recipes } : {}),
    ...(campaignListsBucket ? { campaignListsBucket } : {}),
  };
};
