import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import type { HeraldStack } from '../../infra/herald-stack.ts';
import type { Publisher } from '../../infra/publishers.ts';

/** Synthesising Herald's whole stack takes seconds, and many more on a machine shared with other tests. */
const SYNTH_TIMEOUT_MS = 180_000;
const listings = 'arn:aws:iam::111122223333:role/teams/listings';
const promotionsAccount = '444455556666';
const publishers: Publisher[] = [
  { principal: listings, sources: ['market.items', 'market.prices'] },
  { principal: promotionsAccount, sources: ['market.promotions'] },
];

describe('the publishers context', { timeout: SYNTH_TIMEOUT_MS }, () => {
  const defineWith = (value: unknown) =>
    defineHerald(new App({ context: { 'aws:cdk:bundling-stacks': [], publishers: value } }));

  it('takes the JSON a -c flag gives', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], publishers: JSON.stringify(publishers) },
    });
    defineHerald(app);

    const stack = app.node.findChild('Herald') as HeraldStack;
    Template.fromStack(stack).resourceCountIs('AWS::Events::EventBusPolicy', 7);
  });

  it.each([
    ['not JSON', '[{', 'context publishers: "[{" is not JSON'],
    [
      'a principal that is neither',
      [{ principal: 'arn:aws:iam::111122223333:user/bob', sources: ['a.b'] }],
      'context publishers[0].principal: expected an account id (12 digits) or an IAM role ARN',
    ],
    [
      'no sources',
      [{ principal: promotionsAccount, sources: [] }],
      'context publishers[0].sources: expected at least one',
    ],
    [
      'an AWS source',
      [{ principal: promotionsAccount, sources: ['aws.s3'] }],
      'context publishers[0].sources[0]: sources starting "aws." are AWS services\' own',
    ],
    [
      'a Herald source',
      [{ principal: promotionsAccount, sources: ['herald.canary'] }],
      'context publishers[0].sources[0]: sources starting "herald." are Herald\'s own',
    ],
    [
      'a source with two owners',
      [...publishers, { principal: '121212121212', sources: ['x.y', 'market.prices'] }],
      'context publishers[2].sources[1]: "market.prices" is already owned by publishers[0]',
    ],
    [
      'a principal twice',
      [...publishers, { principal: listings, sources: ['x.y'] }],
      'context publishers[2].principal: listed twice (first at publishers[0])',
    ],
    ['an unknown field', [{ principal: listings, sources: ['x.y'], source: 'x' }], 'context publishers[0]: '],
  ])('refuses %s, naming the path', (_, value, error) => {
    expect(() => defineWith(value)).toThrow(error);
  });
});
