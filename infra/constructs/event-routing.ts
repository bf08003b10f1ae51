import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus, EventField, type EventPattern, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RecipeCatalog } from '../../shared/domain/recipes/recipe.ts';
import { type BusRule, busRules, type RuleInput } from '../../shared/domain/routing/bus-rules.ts';
import { compilePattern } from '../../shared/event-patterns/index.ts';
import { tagBusiness } from '../cost-allocation.ts';
import { keepLogicalId } from '../logical-ids.ts';

export interface EventRoutingProps {
  /** The recipes whose rules the bus gets. */
  readonly catalog: RecipeCatalog;
  readonly planner: IFunction;
  readonly relationWriter: IFunction;
  /** Target of the rules that keep events nothing expects. */
  readonly rejected: IQueue;
  /** Where an event a rule could not hand its target after every retry ends. */
  readonly undeliverable: IQueue;
}

/** A constant whose `<name>` placeholders become the event fields `quotes` names. */
const quoting = (text: string, quotes: Readonly<Record<string, string>> = {}): string =>
  text.replace(/<([A-Za-z0-9_-]+)>/g, (placeholder, name: string) =>
    quotes[name] ? EventField.fromPath(quotes[name]) : placeholder,
  );

/** The input a rule hands its target, rendered as an EventBridge input transformer. */
const targetInput = (input: RuleInput): RuleTargetInput =>
  RuleTargetInput.fromObject({
    ...Object.fromEntries(Object.entries(input.constants).map(([k, v]) => [k, quoting(v, input.quotes)])),
    [input.eventField]: EventField.fromPath('$'),
  });

/** A shared pattern in the shape CDK's EventPattern takes; values pass through unchanged. */
const eventPatternOf = (rule: BusRule): EventPattern => {
  const { 'detail-type': detailType, ...rest } = rule.pattern;
  // CDK types content filters (anything-but, prefix...) as strings but renders any value as is.
  return { ...rest, ...(detailType ? { detailType } : {}) } as EventPattern;
};

/** The name of Herald's bus in a stack: known before the bus is built, for the functions' environment. */
export const busNameOf = (stack: Stack): string => `${stack.stackName}-bus`;

/**
 * Herald's event bus and its rules, generated from the recipe catalog: one per recipe to the
 * planner, relation events to the relation writer, and every other event kept on the
 * rejected-events queue with its reason. Rule names are `<stack>-<rule>`: the runbook pauses a
 * recipe by disabling `<stack>-recipe-<recipe id>`.
 */
export class EventRouting extends Construct {
  readonly bus: EventBus;
  /** Each rule's name on the bus, by the shared rule's name (`recipe-followed-seller-new-item`). */
  readonly ruleNames: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.bus = new EventBus(this, 'Bus', { eventBusName: busNameOf(Stack.of(this)) });
    keepLogicalId(this.bus, ['Bus', 'Resource']);
    const lambdaTarget = (target: IFunction, rule: BusRule) =>
      new LambdaFunction(target, {
        deadLetterQueue: props.undeliverable,
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        ...(rule.input ? { event: targetInput(rule.input) } : {}),
      });
    const ruleNames = new Map<string, string>();
    for (const rule of busRules(props.catalog)) {
      // A pattern EventBridge would refuse fails the synth here, with AWS's reason, not the deploy.
      compilePattern(JSON.stringify(rule.pattern));
      const target =
        rule.target === 'rejected-events'
          ? new SqsQueue(props.rejected, {
              ...(rule.input ? { message: targetInput(rule.input) } : {}),
              deadLetterQueue: props.undeliverable,
            })
          : lambdaTarget(rule.target === 'planner' ? props.planner : props.relationWriter, rule);
      const ruleName = `${stackName}-${rule.name}`.slice(0, 64);
      const busRule = new Rule(this, `Rule-${rule.name}`, {
        eventBus: this.bus,
        ruleName,
        description: rule.description.slice(0, 512),
        eventPattern: eventPatternOf(rule),
        targets: [target],
      });
      keepLogicalId(busRule, [`Rule-${rule.name}`, 'Resource']);
      // A recipe's rule serves that recipe's business line only.
      const recipeId = rule.input?.constants.recipeId;
      const business =
        recipeId === undefined ? undefined : props.catalog.recipes.find((r) => r.id === recipeId)?.business;
      if (business) tagBusiness(busRule, business);
      ruleNames.set(rule.name, ruleName);
    }
    this.ruleNames = ruleNames;
  }
}
