import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import { HeraldDataStack } from '../../infra/herald-data-stack.ts';
import { HeraldStack } from '../../infra/herald-stack.ts';
import { readRecipeSetFiles } from '../../shared/adapters/files/recipe-set-files.ts';

const lotteryDir = join(import.meta.dirname, '../../examples/lottery');
// Bundling is esbuild's job and costs seconds per function; the template is what is checked here.
const appWith = (context: Record<string, unknown> = {}) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });

describe('a recipe set deployed from a folder', () => {
  let template: Template;
  let schemas: Record<string, { Properties: { SchemaName: string; Type: string; Content: string } }>;

  beforeAll(() => {
    const app = appWith({ recipesDir: lotteryDir });
    defineHerald(app);
    template = Template.fromStack(app.node.findChild('Herald') as HeraldStack);
    schemas = template.findResources('AWS::EventSchemas::Schema') as typeof schemas;
  });

  it('gets a rule for its recipe and one feeding its relation, from the files alone', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'Herald-recipe-lottery-drawn',
      EventPattern: { source: ['market.lottery'], 'detail-type': ['DrawCompleted'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'Herald-relations-market-lottery',
      EventPattern: { source: ['market.lottery'], 'detail-type': ['DrawEntered'] },
    });
    // Its set replaces the marketplace's: no rule for a marketplace recipe is left.
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain(
      'followed-seller-new-item',
    );
  });

  it('publishes every contract to the schema registry, as draft-4 schemas of the whole event', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'Herald-contracts' });
    const byName = Object.fromEntries(
      Object.values(schemas).map((s) => [s.Properties.SchemaName, s.Properties]),
    );

    expect(Object.keys(byName).sort()).toEqual([
      'herald.canary@CanaryPing',
      'market.lottery@DrawCompleted',
      'market.lottery@DrawEntered',
    ]);
    const entered = byName['market.lottery@DrawEntered']!;
    expect(entered.Type).toBe('JSONSchemaDraft4');
    expect(JSON.parse(entered.Content)).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      'x-amazon-events-source': 'market.lottery',
      'x-amazon-events-detail-type': 'DrawEntered',
      properties: {
        detail: {
          properties: { coins: { type: 'integer', minimum: 0, exclusiveMinimum: true } },
          required: ['userId', 'drawId', 'coins'],
        },
      },
    });
    template.hasResourceProperties('AWS::EventSchemas::Schema', {
      RegistryName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContractsRegistry'), 'RegistryName'] },
    });
  });

  it('publishes the marketplace contracts by default', () => {
    const app = appWith();
    const data = new HeraldDataStack(app, 'HeraldData');
    const stack = new HeraldStack(app, 'Herald', { tables: data.tables, platformApplicationArns: {} });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::EventSchemas::Schema')).map(
      (s) => s.Properties.SchemaName,
    );

    expect(names).toHaveLength(9);
    expect(names).toContain('market.items@PriceDropped');
  });

  it('refuses at synth a set with problems, naming each file and path', () => {
    const set = readRecipeSetFiles(lotteryDir).files;
    const recipe = { ...(set.recipes[0]!.content as object), business: 'raffles' };
    const app = appWith();
    const data = new HeraldDataStack(app, 'HeraldData');

    expect(
      () =>
        new HeraldStack(app, 'Herald', {
          tables: data.tables,
          platformApplicationArns: {},
          recipeSet: { ...set, recipes: [{ file: 'recipes/lottery-drawn.yaml', content: recipe }] },
        }),
    ).toThrow(/recipes\/lottery-drawn\.yaml: \$\.business: "raffles" has no caps/);
  });

  it('refuses a recipesDir it cannot read, naming the context key', () => {
    expect(() => defineHerald(appWith({ recipesDir: join(lotteryDir, 'nowhere') }))).toThrow(
      /^context recipesDir: \S+\/nowhere: \$: no such folder$/,
    );
  });
});
