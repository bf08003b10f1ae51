import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import type { HeraldStack } from '../../infra/herald-stack.ts';

/** Synthesising Herald's whole stack takes seconds, and many more on a machine shared with other tests. */
const SYNTH_TIMEOUT_MS = 180_000;

const shopBackend = 'arn:aws:iam::111122223333:role/shop-backend';
const marketBackend = 'arn:aws:iam::444455556666:role/market-backend';
const appWith = (context: Record<string, unknown>) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
const registration = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DevicesRegistrationFunction'), 'Arn'] };

describe('who may register devices', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('lets in each app backend’s role through the signed URL only, both actions a URL call needs', () => {
    const app = appWith({ registrars: JSON.stringify([shopBackend, marketBackend]) });
    defineHerald(app);
    const template = Template.fromStack(app.node.findChild('Herald') as HeraldStack);

    for (const role of [shopBackend, marketBackend]) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: registration,
        Principal: role,
        Action: 'lambda:InvokeFunctionUrl',
        FunctionUrlAuthType: 'AWS_IAM',
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: registration,
        Principal: role,
        Action: 'lambda:InvokeFunction',
        InvokedViaFunctionUrl: true,
      });
    }
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes('DevicesRegistration'),
    );
    expect(permissions).toHaveLength(4);
  });

  it('grants nobody on the function when no registrar is configured', () => {
    const app = appWith({});
    defineHerald(app);
    const template = Template.fromStack(app.node.findChild('Herald') as HeraldStack);

    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes('DevicesRegistration'),
    );
    expect(permissions).toEqual([]);
  });

  it.each([
    ['an account', ['111122223333'], 'context registrars[0]: expected the IAM role ARN of an app backend'],
    [
      'a role twice',
      [shopBackend, shopBackend],
      'context registrars[1]: listed twice (first at registrars[0])',
    ],
  ])('refuses %s, naming the path', (_, registrars, error) => {
    expect(() => defineHerald(appWith({ registrars }))).toThrow(error);
  });
});
