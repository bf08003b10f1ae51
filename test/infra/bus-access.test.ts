import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnEventBusPolicy, EventBus } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { BusAccess } from '../../infra/constructs/bus-access.ts';
import { HeraldDataStack } from '../../infra/herald-data-stack.ts';
import { HeraldStack } from '../../infra/herald-stack.ts';
import type { Publisher } from '../../infra/publishers.ts';
import { type Caller, evaluate, type PolicyStatementJson } from '../support/bus-policy-evaluator.ts';

/** Synthesising Herald's whole stack takes seconds, and many more on a machine shared with other tests. */
const SYNTH_TIMEOUT_MS = 180_000;

const HERALD_ACCOUNT = '999999999999';
const listings = 'arn:aws:iam::111122223333:role/teams/listings';
const promotionsAccount = '444455556666';
const publishers: Publisher[] = [
  { principal: listings, sources: ['market.items', 'market.prices'] },
  { principal: promotionsAccount, sources: ['market.promotions'] },
];

const heraldWith = (publishersOf: readonly Publisher[], nag = false) => {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [] },
    ...(nag ? { outdir: mkdtempSync(join(tmpdir(), 'herald-nag-')) } : {}),
  });
  // The cdk-nag run is env-agnostic, as the acknowledged findings are written for.
  const env = nag ? undefined : { account: HERALD_ACCOUNT, region: 'us-east-1' };
  const data = new HeraldDataStack(app, 'HeraldData', env ? { env } : {});
  const stack = new HeraldStack(app, 'Herald', {
    ...(env ? { env } : {}),
    tables: data.tables,
    platformApplicationArns: {},
    publishers: publishersOf,
  });
  return { app, stack };
};

/** The bus policy's statements as CloudFormation will put them, in order. */
const statementsOf = (template: Template): PolicyStatementJson[] =>
  Object.values(template.findResources('AWS::Events::EventBusPolicy')).map(
    (r) => r.Properties.Statement as PolicyStatementJson,
  );

describe('per-team access on the bus', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let template: Template;
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    template = Template.fromStack(heraldWith(publishers).stack);
    statements = statementsOf(template);
  }, SYNTH_TIMEOUT_MS);

  it.each([
    ['the listings role', listings, { AWS: listings }, ['market.items', 'market.prices']],
    [
      'the promotions account',
      promotionsAccount,
      { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${promotionsAccount}:root`]] } },
      ['market.promotions'],
    ],
  ])('lets %s put its own sources, and only those', (_, principal, rendered, sources) => {
    const i = publishers.findIndex((p) => p.principal === principal);
    const bus = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus[0-9A-F]{8}$'), 'Arn'] };
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: `cdk-Herald-p${i}-own-sources`,
      Statement: {
        Effect: 'Allow',
        Principal: rendered,
        Action: 'events:PutEvents',
        Resource: bus,
        Condition: { StringEquals: { 'events:source': sources } },
      },
    });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: `cdk-Herald-p${i}-no-other-source`,
      Statement: {
        Effect: 'Deny',
        Principal: rendered,
        Action: 'events:PutEvents',
        Condition: { StringNotEquals: { 'events:source': sources } },
      },
    });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: `cdk-Herald-p${i}-sources-only-theirs`,
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: {
          StringEquals: { 'events:source': sources },
          StringNotEquals:
            principal === listings ? { 'aws:PrincipalArn': listings } : { 'aws:PrincipalAccount': principal },
        },
      },
    });
  });

  it('denies every other account, and puts the statements one at a time', () => {
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: 'cdk-Herald-other-accounts',
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: {
          StringNotEquals: {
            'aws:PrincipalAccount': [HERALD_ACCOUNT, promotionsAccount],
            'aws:PrincipalArn': [listings],
          },
        },
      },
    });
    const policies = template.findResources('AWS::Events::EventBusPolicy');
    const ids = Object.keys(policies);
    expect(ids).toHaveLength(7);
    expect(ids.slice(1).map((id) => policies[id]!.DependsOn)).toEqual(ids.slice(0, -1).map((id) => [id]));
  });

  // What the statements mean, evaluated as IAM does: an explicit deny wins, then any allow.
  const account = (id: string, identityAllows = false): Caller => ({
    account: id,
    arn: `arn:aws:iam::${id}:role/someone`,
    identityAllows,
  });
  const role = (arn: string, identityAllows = false): Caller => ({
    account: arn.split(':')[4]!,
    arn,
    identityAllows,
  });
  it.each([
    ['the listings role, its source', role(listings), 'market.items', 'allowed'],
    ['the listings role, another team’s source', role(listings), 'market.promotions', 'denied'],
    ['the listings role, a source nobody owns', role(listings), 'market.orders', 'denied'],
    [
      'another role of the listings account',
      role('arn:aws:iam::111122223333:role/intern'),
      'market.items',
      'denied',
    ],
    ['the promotions account, its source', account(promotionsAccount), 'market.promotions', 'allowed'],
    ['the promotions account, listings’ source', account(promotionsAccount), 'market.items', 'denied'],
    ['an account not listed', account('777788889999', true), 'market.orders', 'denied'],
    [
      'a Herald-account role with PutEvents, a team’s source',
      account(HERALD_ACCOUNT, true),
      'market.items',
      'denied',
    ],
    [
      'a Herald-account role with PutEvents, Herald’s own source',
      account(HERALD_ACCOUNT, true),
      'herald.canary',
      'allowed',
    ],
    ['a Herald-account role without PutEvents', account(HERALD_ACCOUNT), 'herald.canary', 'denied'],
    [
      'the listings role, granted every PutEvents by its own account, a source nobody owns',
      role(listings, true),
      'market.orders',
      'denied',
    ],
  ])('%s: %s', (_, caller, source, verdict) => {
    expect(evaluate(statements, caller, source, HERALD_ACCOUNT)).toBe(verdict);
  });

  it('keeps no bus policy when no publisher is configured', () => {
    template = Template.fromStack(heraldWith([]).stack);

    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('passes cdk-nag’s event-bus rule (AwsSolutions-EVB1) with no acknowledgement of it', () => {
    const { app, stack } = heraldWith(publishers, true);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(stack.node.metadata)).not.toContain('EVB1');
  });

  it('is checked by that rule: a bus open to anyone fails it (the control)', () => {
    const { app, stack } = heraldWith([], true);
    new CfnEventBusPolicy(stack, 'Open', {
      eventBusName: 'Herald-bus',
      statementId: 'open',
      statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: '*' },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-EVB1/);
  });
});

describe('the size of the bus policy', () => {
  const teams = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      principal: `arn:aws:iam::1111222233${String(i).padStart(2, '0')}:role/team-${i}-publisher`,
      sources: [`market.team${i}.items`, `market.team${i}.orders`, `market.team${i}.offers`],
    }));
  const busAccessOf = (n: number) => () => {
    const stack = new Stack(new App(), 'Herald', { env: { account: HERALD_ACCOUNT, region: 'us-east-1' } });
    return new BusAccess(stack, 'Access', { bus: new EventBus(stack, 'Bus'), publishers: teams(n) });
  };

  it('takes eight teams of three sources each', () => {
    expect(busAccessOf(8)).not.toThrow();
  });

  it('fails the synth before EventBridge’s 10 KB limit would fail the deploy', () => {
    expect(busAccessOf(9)).toThrow(
      /^context publishers: 9 publishers \(9 accounts\) make a bus policy of about \d+ bytes, over EventBridge's 10240/,
    );
  });
});
