import { App, CfnResource, type Stack, TagManager } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';

const apns = 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald';

/** Herald's two stacks, from the app definition, with `context`. */
const heraldApp = (context: Record<string, unknown> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], apnsApplicationArn: apns, ...context } });
  defineHerald(app);
  const stacks = ['HeraldData', 'Herald'].map((id) => app.node.findChild(id) as Stack);
  // Synthesising applies the tags (aspects) to every resource.
  const templates = stacks.map((stack) => Template.fromStack(stack));
  return { stacks, templates, service: templates[1]! };
};

/** Every CloudFormation resource of `stack` that takes tags, with the tags it was given. */
const taggable = (stack: Stack) =>
  stack.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.of(c) !== undefined)
    .map((resource) => ({
      path: resource.node.path,
      type: resource.cfnResourceType,
      tags: TagManager.of(resource)?.tagValues() ?? {},
    }));

describe('cost allocation tags', () => {
  const { stacks, service } = heraldApp();

  it('tag every taggable resource of both stacks with the application and its component', () => {
    const resources = stacks.flatMap(taggable);

    expect(resources.length).toBeGreaterThan(50);
    for (const { path, tags } of resources) {
      expect(tags, path).toMatchObject({ application: 'herald', component: expect.any(String) });
    }
    const componentOf = (path: string) => resources.find((r) => r.path.startsWith(path))?.tags.component;
    expect(componentOf('Herald/Delivery/')).toBe('Delivery');
    expect(componentOf('Herald/Fanout/')).toBe('Fanout');
    expect(componentOf('Herald/MessageLog/')).toBe('MessageLog');
  });

  it('carry the tags into the template, where CUR 2.0 reads them', () => {
    const functions = Object.values(service.findResources('AWS::Lambda::Function'));

    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) {
      expect(fn.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'application', Value: 'herald' },
          { Key: 'component', Value: expect.any(String) },
        ]),
      );
    }
  });

  it("tag each recipe's rule with the recipe's business", () => {
    const rules = Object.values(service.findResources('AWS::Events::Rule'));
    const businessOf = (rule: (typeof rules)[number]) =>
      (rule.Properties.Tags as { Key: string; Value: string }[] | undefined)?.find(
        (t) => t.Key === 'business',
      )?.Value;

    const businesses = new Set(rules.map(businessOf).filter(Boolean));

    expect(businesses).toEqual(new Set(defaultCatalog().recipes.map((r) => r.business)));
  });
});

describe('the monthly budget', () => {
  it('is absent without monthlyBudgetUsd', () => {
    const { service } = heraldApp({ alarmEmail: 'ops@example.com' });

    service.resourceCountIs('AWS::Budgets::Budget', 0);
  });

  it('is a monthly cost budget over Herald-tagged resources, e-mailing the alarm address', () => {
    const { service } = heraldApp({ monthlyBudgetUsd: '500', alarmEmail: 'ops@example.com' });

    service.resourceCountIs('AWS::Budgets::Budget', 1);
    const budget = Object.values(service.findResources('AWS::Budgets::Budget'))[0]!.Properties;
    expect(budget.Budget).toMatchObject({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 500, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:application$herald'] },
    });
    expect(budget.NotificationsWithSubscribers).toHaveLength(3);
    for (const n of budget.NotificationsWithSubscribers) {
      expect(n.Subscribers).toEqual([{ SubscriptionType: 'EMAIL', Address: 'ops@example.com' }]);
    }
    expect(budget.NotificationsWithSubscribers.map((n: { Notification: unknown }) => n.Notification)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ NotificationType: 'FORECASTED', Threshold: 100 }),
        expect.objectContaining({ NotificationType: 'ACTUAL', Threshold: 80 }),
      ]),
    );
  });

  it('e-mails budgetEmail rather than the alarm address when given', () => {
    const { service } = heraldApp({
      monthlyBudgetUsd: 99.5,
      alarmEmail: 'ops@example.com',
      budgetEmail: 'finance@example.com',
    });

    const budget = Object.values(service.findResources('AWS::Budgets::Budget'))[0]!.Properties;
    expect(budget.Budget.BudgetLimit.Amount).toBe(99.5);
    expect(budget.NotificationsWithSubscribers[0].Subscribers[0].Address).toBe('finance@example.com');
  });

  it.each(['0', '-5', 'abc', '12.345'])('refuses monthlyBudgetUsd=%s, naming the key', (usd) => {
    expect(() => heraldApp({ monthlyBudgetUsd: usd, alarmEmail: 'ops@example.com' })).toThrow(
      `context monthlyBudgetUsd: "${usd}" is not an amount of US dollars above 0`,
    );
  });

  it('refuses a budget with no address to e-mail', () => {
    expect(() => heraldApp({ monthlyBudgetUsd: '500' })).toThrow(
      'context monthlyBudgetUsd: needs budgetEmail or alarmEmail',
    );
  });
});
