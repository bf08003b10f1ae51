import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecipeSetFiles } from '../../../shared/adapters/files/recipe-set-files.ts';
import { defaultPolicy } from '../../../shared/domain/fatigue/policy.ts';
import type { RecipeSetFiles, SetFile } from '../../../shared/domain/recipes/recipe-set.ts';
import { checkRecipeSetFiles, recipeSetCatalog } from '../../../shared/domain/recipes/recipe-set-catalog.ts';

const lottery = readRecipeSetFiles(join(import.meta.dirname, '../../../examples/lottery')).files;
const recipe = lottery.recipes[0]!.content as Record<string, unknown>;
const channel = lottery.channels[0]!.content as Record<string, unknown>;
const withRecipe = (changes: Record<string, unknown>): RecipeSetFiles => ({
  ...lottery,
  recipes: [{ file: 'recipes/lottery-drawn.yaml', content: { ...recipe, ...changes } }],
});
const problemsOf = (files: RecipeSetFiles) =>
  checkRecipeSetFiles(files, defaultPolicy).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);

describe('checkRecipeSetFiles', () => {
  it('passes the lottery example: a new event type, relation and business, as files only', () => {
    const checked = checkRecipeSetFiles(lottery, defaultPolicy);

    expect(checked.problems).toEqual([]);
    expect(checked.warnings).toEqual([]);
    const { catalog, policy } = recipeSetCatalog(lottery, defaultPolicy);
    expect(catalog.get('lottery-drawn').business).toBe('lottery');
    expect(catalog.channels).toEqual([
      expect.objectContaining({
        relation: 'entered',
        detailType: 'DrawEntered',
        fromField: 'userId',
        ttlDays: 30,
      }),
    ]);
    expect(policy.businesses.lottery).toEqual([{ window: 'day', limit: 2, mode: 'calendar' }]);
  });

  it('names the file and JSON path of every placeholder and field the contract lacks', () => {
    const problems = problemsOf(
      withRecipe({
        push: {
          title: '{{detail.titel}}',
          body: 'for {{recipient.name}}',
          deepLink: 'market://draws/{{detail.drawId}}',
        },
        audience: [{ relation: 'entered', targetField: 'draw' }],
        senderField: 'sellerId',
        identity: ['drawId', 'round'],
      }),
    );

    expect(problems).toEqual([
      expect.stringMatching(
        /^recipes\/lottery-drawn\.yaml: \$\.audience\[0\]\.targetField: "draw" is not a property of the contract of market\.lottery\/DrawCompleted \(contracts\/market\.lottery\/DrawCompleted\.json\)$/,
      ),
      expect.stringMatching(/^recipes\/lottery-drawn\.yaml: \$\.senderField: "sellerId" is not a property/),
      expect.stringMatching(/^recipes\/lottery-drawn\.yaml: \$\.identity\[1\]: "round" is not a property/),
      expect.stringMatching(
        /^recipes\/lottery-drawn\.yaml: \$\.push\.title: \{\{detail\.titel\}\}: "titel" is not a property/,
      ),
      expect.stringMatching(
        /^recipes\/lottery-drawn\.yaml: \$\.push\.body: \{\{recipient\.name\}\}: a template prints/,
      ),
    ]);
  });

  it('refuses a trigger without a contract and a business without caps', () => {
    const problems = problemsOf(
      withRecipe({ trigger: { source: 'market.lottery', detailType: 'DrawCancelled' }, business: 'raffles' }),
    );

    expect(problems).toEqual([
      'recipes/lottery-drawn.yaml: $.trigger: no contract for market.lottery/DrawCancelled: add contracts/market.lottery/DrawCancelled.json',
      expect.stringMatching(
        /^recipes\/lottery-drawn\.yaml: \$\.business: "raffles" has no caps in the fatigue policy/,
      ),
    ]);
  });

  it('knows a business from the set policy only: without it, lottery has no caps', () => {
    const { policy: _policy, ...withoutPolicy } = lottery;

    expect(problemsOf(withoutPolicy)).toEqual([
      expect.stringContaining('recipes/lottery-drawn.yaml: $.business: "lottery" has no caps'),
    ]);
  });

  it('names the file and path of a recipe the recipe schema refuses, and still checks the others', () => {
    const broken: SetFile = { file: 'recipes/typo.yaml', content: { ...recipe, id: 'typo', audiense: [] } };

    expect(problemsOf({ ...lottery, recipes: [...lottery.recipes, broken] })).toEqual([
      'recipes/typo.yaml: $: Unrecognized key: "audiense"',
    ]);
  });

  it('checks channels: a feed without a contract, a field the contract lacks, an event feeding two relations', () => {
    const feed = (channel.feeds as Record<string, unknown>[])[0]!;
    const problems = problemsOf({
      ...lottery,
      channels: [
        { file: 'channels/entered.yaml', content: { ...channel, feeds: [{ ...feed, from: 'buyerId' }] } },
        {
          file: 'channels/won.yaml',
          content: {
            relation: 'won',
            feeds: [feed, { ...feed, trigger: { source: 'market.lottery', detailType: 'PrizeClaimed' } }],
          },
        },
      ],
    });

    expect(problems).toEqual([
      expect.stringMatching(
        /^channels\/entered\.yaml: \$\.feeds\[0\]\.from: "buyerId" is not a property of the contract of market\.lottery\/DrawEntered/,
      ),
      'channels/won.yaml: $.feeds[0].trigger: market.lottery/DrawEntered already feeds a relation (channels/entered.yaml: $.feeds[0])',
      'channels/won.yaml: $.feeds[1].trigger: no contract for market.lottery/PrizeClaimed',
    ]);
  });

  it('warns of an audience relation no channel feeds', () => {
    const checked = checkRecipeSetFiles({ ...lottery, channels: [] }, defaultPolicy);

    expect(checked.problems).toEqual([]);
    expect(checked.warnings.map((w) => `${w.file}: ${w.path}`)).toEqual([
      'recipes/lottery-drawn.yaml: $.audience[0].relation',
    ]);
  });

  it('refuses to build a catalog from a set with problems, listing them all', () => {
    expect(() => recipeSetCatalog(withRecipe({ business: 'raffles' }), defaultPolicy)).toThrow(
      /1 problem\(s\):\n {2}recipes\/lottery-drawn\.yaml: \$\.business: "raffles"/,
    );
  });
});

describe('checkRecipeSetFiles, chains of emit actions', () => {
  const emitter = {
    id: 'draw-prize',
    description: 'Grants the prize of a draw to its entrants.',
    trigger: { source: 'market.lottery', detailType: 'DrawCompleted' },
    audience: [{ relation: 'entered', targetField: 'drawId' }],
    business: 'lottery',
    category: 'draws',
    action: 'emit',
    emit: { detailType: 'PrizeGranted', fields: { prize: 'prize', draw: 'drawId' } },
  };
  const chained = (body: string) => ({
    id: 'prize-push',
    description: 'Tells the winner.',
    trigger: { source: 'herald.actions', detailType: 'PrizeGranted' },
    audience: [{ field: 'userId' }],
    business: 'lottery',
    category: 'draws',
    push: { title: 'You won', body },
  });
  const setOf = (body: string): RecipeSetFiles => ({
    ...lottery,
    recipes: [
      ...lottery.recipes,
      { file: 'recipes/draw-prize.yaml', content: emitter },
      { file: 'recipes/prize-push.yaml', content: chained(body) },
    ],
  });

  it('lets a chained recipe read what its emitter copies and the action fields', () => {
    expect(problemsOf(setOf('{{detail.prize}} from draw {{detail.draw}} ({{detail.recipeId}})'))).toEqual([]);
  });

  it('refuses a field no emitter copies, naming the emitters, and an emit field the trigger lacks', () => {
    expect(problemsOf(setOf('{{detail.jackpot}}'))).toEqual([
      expect.stringMatching(
        /^recipes\/prize-push\.yaml: \$\.push\.body: \{\{detail\.jackpot\}\}: "jackpot" is not a property of the contract of herald\.actions\/PrizeGranted \(\(emitted by recipe draw-prize\)\)$/,
      ),
    ]);
    const broken: RecipeSetFiles = {
      ...lottery,
      recipes: [
        {
          file: 'recipes/draw-prize.yaml',
          content: { ...emitter, emit: { detailType: 'PrizeGranted', fields: { prize: 'jackpot' } } },
        },
      ],
    };
    expect(problemsOf(broken)).toEqual([
      expect.stringMatching(
        /^recipes\/draw-prize\.yaml: \$\.emit\.fields\.prize: "jackpot" is not a property/,
      ),
    ]);
  });
});
