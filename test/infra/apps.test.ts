import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import { HeraldDataStack } from '../../infra/herald-data-stack.ts';
import { HeraldStack } from '../../infra/herald-stack.ts';
import { defaultCatalog, marketplaceSetFiles } from '../../shared/domain/recipes/default-catalog.ts';

/** Synthesising Herald's whole stack takes seconds, and many more on a machine shared with other tests. */
const SYNTH_TIMEOUT_MS = 180_000;

const arn = (platform: string, name: string) => `arn:aws:sns:us-east-1:123456789012:app/${platform}/${name}`;
const market = { APNS: arn('APNS', 'market'), FCM: arn('GCM', 'market') };
const shop = { APNS: arn('APNS', 'shop'), FCM: arn('GCM', 'shop') };
const endpointsOf = (application: string) => `${application.replace(':app/', ':endpoint/')}/*`;

type Json = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** Every IAM statement of the role of the function whose logical id starts with `prefix`. */
const statementsOf = (json: Json, prefix: string) => {
  const fn = Object.entries(json.Resources).find(
    ([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::Lambda::Function',
  )![1];
  const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`))
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    )
    .map((s) => ({ actions: [s.Action].flat() as string[], resources: [s.Resource].flat() }));
};
const resourcesOf = (json: Json, prefix: string, action: string) =>
  statementsOf(json, prefix).find((s) => s.actions.includes(action))?.resources;

const appWith = (context: Record<string, unknown>) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
const heraldOf = (app: App) => Template.fromStack(app.node.findChild('Herald') as HeraldStack);

describe('several apps, each with its own platform applications', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let template: Template;
  let json: Json;
  beforeAll(() => {
    const app = appWith({ apnsApplicationArn: market.APNS, fcmApplicationArn: market.FCM, apps: { shop } });
    defineHerald(app);
    template = heraldOf(app);
    json = template.toJSON() as Json;
  }, SYNTH_TIMEOUT_MS);

  it('lets registration create endpoints in every app’s applications, and manage only their endpoints', () => {
    const applications = [market.APNS, market.FCM, shop.APNS, shop.FCM];

    expect(resourcesOf(json, 'DevicesRegistration', 'sns:CreatePlatformEndpoint')).toEqual(applications);
    expect(resourcesOf(json, 'DevicesRegistration', 'sns:SetEndpointAttributes')).toEqual(
      applications.map(endpointsOf),
    );
    expect(resourcesOf(json, 'DevicesPurge', 'sns:DeleteEndpoint')).toEqual(applications.map(endpointsOf));
  });

  it('lets the delivery worker publish to the endpoints of every app’s applications, and no others', () => {
    expect(resourcesOf(json, 'DeliveryWorker', 'sns:Publish')).toEqual(
      [market.APNS, market.FCM, shop.APNS, shop.FCM].map(endpointsOf),
    );
  });

  it('tells the functions the default app’s applications as before, and the other apps’ by app', () => {
    for (const description of [
      'Registers and unregisters devices',
      'Publishes delivery jobs to SNS endpoints',
    ]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(`^${description}`),
        Environment: {
          Variables: Match.objectLike({
            APNS_APPLICATION_ARN: market.APNS,
            FCM_APPLICATION_ARN: market.FCM,
            HERALD_APP_PLATFORM_APPLICATIONS: JSON.stringify({ shop }),
          }),
        },
      });
    }
  });

  it('watches the push failures of every app’s applications', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
      JSON.stringify(a.Properties),
    );
    // One per application: APNS and GCM of each app.
    for (const name of ['market', 'shop'])
      expect(alarms.filter((a) => a.includes(`{"Name":"Application","Value":"${name}"}`))).toHaveLength(2);
  });

  it('keeps a single-app deployment’s environment as it was: no app variable', () => {
    const app = appWith({ apnsApplicationArn: market.APNS });
    defineHerald(app);

    const variables = Object.values(heraldOf(app).findResources('AWS::Lambda::Function')).map(
      (f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, string>,
    );
    expect(variables.some((v) => v.APNS_APPLICATION_ARN === market.APNS)).toBe(true);
    expect(variables.some((v) => 'HERALD_APP_PLATFORM_APPLICATIONS' in v)).toBe(false);
  });

  it('takes the default app from apps.default too, and apps as the JSON a -c flag gives', () => {
    const app = appWith({ apps: JSON.stringify({ default: market, shop }) });
    defineHerald(app);

    heraldOf(app).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          APNS_APPLICATION_ARN: market.APNS,
          HERALD_APP_PLATFORM_APPLICATIONS: JSON.stringify({ shop }),
        }),
      },
    });
  });

  describe('recipes for one app', () => {
    const withRecipe = (app: string) => {
      const cdk = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const data = new HeraldDataStack(cdk, 'HeraldData');
      const files = marketplaceSetFiles();
      const [first, ...rest] = files.recipes;
      const content = { ...(first!.content as Record<string, unknown>), app };
      return () =>
        new HeraldStack(cdk, 'Herald', {
          tables: data.tables,
          platformApplicationArns: market,
          apps: { shop },
          recipeSet: { ...files, recipes: [{ ...first!, content }, ...rest] },
        });
    };

    it('synthesise when their app has applications', () => {
      expect(withRecipe('shop')).not.toThrow();
    });

    it('are refused at synth when their app has none, naming the recipe', () => {
      const id = defaultCatalog().recipes[0]!.id;
      expect(withRecipe('games')).toThrow(
        `recipes[0].app: "games" (recipe ${id}) has no platform applications in context apps (known: default, shop)`,
      );
    });
  });

  it('passes the cdk-nag AWS Solutions checks with several apps', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'herald-nag-')),
    });
    const data = new HeraldDataStack(app, 'HeraldData');
    new HeraldStack(app, 'Herald', { tables: data.tables, platformApplicationArns: market, apps: { shop } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});

describe('the apps context', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it.each([
    ['an app id that is not one', { Shop: shop }, 'context apps.Shop: expected an app id'],
    ['an unknown platform', { shop: { WNS: shop.APNS } }, 'context apps.shop.WNS: '],
    [
      'an ARN of another platform',
      { shop: { FCM: shop.APNS } },
      `context apps.shop.FCM: "${shop.APNS}" is not the ARN of an SNS platform application for FCM`,
    ],
    ['an app without applications', { shop: {} }, 'context apps.shop: names no platform application'],
    [
      'one application for two apps',
      { shop, games: { APNS: shop.APNS } },
      "context apps.games.APNS: is apps.shop.APNS's application too: each app has its own",
    ],
  ])('refuses %s, naming the path', (_, apps, error) => {
    expect(() => defineHerald(appWith({ apps }))).toThrow(error);
  });

  it('refuses the default app given both ways', () => {
    expect(() =>
      defineHerald(appWith({ apnsApplicationArn: market.APNS, apps: { default: market } })),
    ).toThrow(
      'context apps.default: the default app is given by apnsApplicationArn/apnsSandboxApplicationArn/fcmApplicationArn too',
    );
  });

  it('refuses an app sharing the default app’s application', () => {
    expect(() => defineHerald(appWith({ apnsApplicationArn: market.APNS, apps: { shop: market } }))).toThrow(
      "context apps.shop.APNS: is the default app's application too",
    );
  });
});
