import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventField, type IRuleTarget, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import {
  applyInputTransformer,
  type InputTransformer,
  InvalidEventError,
  InvalidInputTransformerError,
} from '../../../shared/event-patterns/index.ts';

/** The example EC2 event of the EventBridge input transformation guide, minified. */
const ec2Event = JSON.stringify({
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
});

/** The guide's InputPathsMap. */
const paths = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};

const context = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example' };
const apply = (
  inputTemplate: string,
  event: string | object = ec2Event,
  inputPathsMap: Record<string, string> = paths,
) => applyInputTransformer({ inputPathsMap, inputTemplate }, event, context);

describe('applyInputTransformer reproduces the documented examples', () => {
  it.each([
    ['a simple string', '"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'],
    [
      'a string with escaped quotes',
      '"instance \\"<instance>\\" is in <state>"',
      '"instance \\"i-0123456789\\" is in RUNNING"',
    ],
    [
      'simple JSON',
      '{\n  "instance" : <instance>,\n  "state": <state>\n}',
      '{"instance":"i-0123456789","state":"RUNNING"}',
    ],
    [
      'JSON with strings and variables',
      '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}',
      '{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \\"i-0123456789\\" is in RUNNING"}',
    ],
    [
      'JSON with a mix of variables and static information',
      '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
      '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}',
    ],
    ['reserved variables in a string', '"<aws.events.rule-name> triggered"', '"example triggered"'],
    [
      'an array index in a path',
      '{"resource": <resource>, "at": <timestamp>}',
      '{"resource":"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111","at":"2015-11-11T21:29:54Z"}',
    ],
  ])('%s', (_title, template, expected) => {
    expect(apply(template)).toBe(expected);
  });

  it('inserts rule identity and the whole event for reserved variables in JSON', () => {
    const out = apply(
      '{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event.json>}',
    );
    expect(out).toBe(`{"ruleArn":"${context.ruleArn}","ruleName":"example","originalEvent":${ec2Event}}`);
  });

  it('gives the event without its detail for <aws.events.event>', () => {
    const { detail: _detail, ...withoutDetail } = JSON.parse(ec2Event);
    expect(JSON.parse(apply('{"e": <aws.events.event>}'))).toEqual({ e: withoutDetail });
  });

  it('gives the ingestion time it is told, as ISO 8601', () => {
    const out = applyInputTransformer(
      { inputTemplate: '{"at": <aws.events.event.ingestion-time>}' },
      ec2Event,
      {
        ingestionTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      },
    );
    expect(out).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });
});

describe('applyInputTransformer value rules', () => {
  const event = JSON.stringify({
    id: '1',
    account: '1',
    source: 's',
    time: 't',
    region: 'r',
    'detail-type': 'd',
    detail: { quote: 'say "hi"\nbye', obj: { k: 'v', n: [1, 2] }, flag: false, nothing: null },
  });
  const detailPaths = {
    quote: '$.detail.quote',
    obj: '$.detail.obj',
    flag: '$.detail.flag',
    nothing: '$.detail.nothing',
    missing: '$.detail.nope',
    all: '$',
  };

  it('escapes strings, whether they land inside a JSON string or become one', () => {
    expect(apply('{"a": <quote>, "b": "<quote>!"}', event, detailPaths)).toBe(
      '{"a":"say \\"hi\\"\\nbye","b":"say \\"hi\\"\\nbye!"}',
    );
  });

  it('inserts objects, booleans and null as JSON, and strips quotes from objects inside strings', () => {
    expect(apply('{"o": <obj>, "f": <flag>, "z": <nothing>, "s": "obj is <obj>"}', event, detailPaths)).toBe(
      '{"o":{"k":"v","n":[1,2]},"f":false,"z":null,"s":"obj is {k:v,n:[1,2]}"}',
    );
  });

  it('turns a path missing from the event into null, or nothing inside a string', () => {
    expect(apply('{"m": <missing>, "s": "a<missing>b"}', event, detailPaths)).toBe('{"m":null,"s":"ab"}');
  });

  it('keeps the spelling of numbers', () => {
    const withNumber = ec2Event.replace('"state":"RUNNING"', '"state":"RUNNING","cpu":300.0');
    expect(apply('{"cpu": <cpu>, "s": "cpu=<cpu>"}', withNumber, { cpu: '$.detail.cpu' })).toBe(
      '{"cpu":300.0,"s":"cpu=300.0"}',
    );
  });

  it('leaves placeholders that name no variable alone', () => {
    expect(apply('"<b>bold</b> <state>"')).toBe('"<b>bold</b> RUNNING"');
  });

  it('quotes string variables placed outside quotes, even in text that is not JSON', () => {
    expect(apply('Instance <instance> is <state>')).toBe('Instance "i-0123456789" is "RUNNING"');
  });

  it('accepts an event already parsed by JSON.parse', () => {
    expect(apply('"<state>"', JSON.parse(ec2Event))).toBe('"RUNNING"');
  });

  it('refuses variable names and paths EventBridge would refuse', () => {
    expect(() => apply('<x>', ec2Event, { 'aws.events.rule-name': '$.id' })).toThrow(
      InvalidInputTransformerError,
    );
    expect(() => apply('<x>', ec2Event, { x: 'detail.state' })).toThrow(InvalidInputTransformerError);
  });

  it('refuses an event that is not a JSON object', () => {
    expect(() => apply('<state>', '[1]')).toThrow(InvalidEventError);
  });
});

describe('input transformers rendered by aws-cdk-lib', () => {
  /** Synthesises a rule whose target gets `input`, and reads back the InputTransformer CloudFormation gets. */
  function renderedByCdk(input: RuleTargetInput): InputTransformer {
    const stack = new Stack(new App(), 'Herald');
    const rule = new Rule(stack, 'Rule', { eventPattern: { source: ['herald'] } });
    const target: IRuleTarget = {
      bind: () => ({ arn: 'arn:aws:sqs:eu-west-1:123456789012:recipes', input }),
    };
    rule.addTarget(target);
    type RuleResource = {
      Type: string;
      Properties: {
        Targets: { InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }[];
      };
    };
    const resources = Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<string, RuleResource>,
    );
    const rendered = resources.find((r) => r.Type === 'AWS::Events::Rule')?.Properties.Targets[0]
      ?.InputTransformer;
    if (rendered === undefined) throw new Error('the rule has no input transformer');
    return { inputPathsMap: rendered.InputPathsMap, inputTemplate: rendered.InputTemplate };
  }

  const event = JSON.stringify({
    version: '0',
    id: 'b1f4d1c2-0000-4000-8000-000000000001',
    'detail-type': 'Relationship Changed',
    source: 'herald.relationships',
    account: '123456789012',
    time: '2024-05-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { userId: 'u-1', name: 'Zoë "Z" O\'Neil', score: 4.5 },
  });

  it('delivers fromObject with EventField.fromPath("$") as the constants plus the whole event', () => {
    const transformer = renderedByCdk(
      RuleTargetInput.fromObject({ recipeId: 'r1', event: EventField.fromPath('$') }),
    );
    expect(transformer.inputPathsMap).toEqual({ f1: '$' });
    expect(applyInputTransformer(transformer, event, { ruleName: 'Rule' })).toBe(
      `{"recipeId":"r1","event":${event}}`,
    );
  });

  it('delivers fields picked by path, inside and outside strings', () => {
    const input = RuleTargetInput.fromObject({
      name: EventField.fromPath('$.detail.name'),
      greeting: `Hello ${EventField.fromPath('$.detail.name')}!`,
      score: EventField.fromPath('$.detail.score'),
    });
    const delivered = JSON.parse(applyInputTransformer(renderedByCdk(input), event));
    expect(delivered).toEqual({ name: 'Zoë "Z" O\'Neil', greeting: 'Hello Zoë "Z" O\'Neil!', score: 4.5 });
  });

  it('delivers fromText as a JSON string', () => {
    const input = RuleTargetInput.fromText(`user ${EventField.fromPath('$.detail.userId')} changed`);
    expect(applyInputTransformer(renderedByCdk(input), event)).toBe('"user u-1 changed"');
  });
});
