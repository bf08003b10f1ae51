import { describe, expect, it } from 'vitest';
import { inMemoryFanOutDeps } from '../../../shared/adapters/memory/fan-out-deps.ts';
import { SerialisingWorkQueue } from '../../../shared/adapters/memory/work-queue.ts';
import { MAX_CHAIN_DEPTH } from '../../../shared/domain/actions/action-event.ts';
import type { FanoutTask } from '../../../shared/domain/audience/fanout-task.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { findContract } from '../../../shared/domain/events/contracts.ts';
import { defaultRecipes } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { busRules } from '../../../shared/domain/routing/bus-rules.ts';
import { parseScenario } from '../../../shared/simulation/scenario.ts';
import { planTrigger } from '../../../shared/use-cases/plan-trigger.ts';

/** An emit recipe firing on `on` (a detail-type of herald.actions, or an order) and emitting `emits`. */
const emitter = (id: string, on: string, emits: string) => ({
  id,
  description: `${id}: ${on} -> ${emits}`,
  trigger:
    on === 'OrderPlaced'
      ? { source: 'market.orders', detailType: on }
      : { source: 'herald.actions', detailType: on },
  audience: [{ field: on === 'OrderPlaced' ? 'buyerId' : 'userId' }],
  business: 'benefits',
  category: 'coupons',
  action: 'emit',
  emit: { detailType: emits },
});

describe('emit recipes in the catalog', () => {
  it('loads an emit recipe without a push, and keeps recipes without `action` pushing', () => {
    const catalog = new RecipeCatalog([...defaultRecipes, emitter('grant', 'OrderPlaced', 'BenefitGranted')]);

    expect(catalog.get('grant')).toMatchObject({ action: 'emit', emit: { detailType: 'BenefitGranted' } });
    expect(catalog.get('followed-seller-new-item').action).toBeUndefined();
  });

  it('names the missing or misplaced part of a recipe', () => {
    const grant = emitter('grant', 'OrderPlaced', 'BenefitGranted');
    const { push: _, ...noPush } = defaultRecipes[0]!;
    const cases: [unknown, RegExp][] = [
      [{ ...grant, emit: undefined }, /^recipes\[0\]\.emit: required when action is "emit"$/],
      [{ ...grant, push: defaultRecipes[0]!.push }, /^recipes\[0\]\.push: an emit recipe pushes nothing/],
      [noPush, /^recipes\[0\]\.push: required when action is "push"/],
      [{ ...defaultRecipes[0], emit: grant.emit }, /^recipes\[0\]\.emit: only for action "emit"$/],
      [
        { ...grant, emit: { detailType: 'benefit granted' } },
        /^recipes\[0\]\.emit\.detailType: expected a name/,
      ],
      [
        { ...grant, emit: { detailType: 'BenefitGranted', fields: { chain: 'orderId' } } },
        /^recipes\[0\]\.emit\.fields\.chain: is set by Herald/,
      ],
    ];
    for (const [recipe, message] of cases) expect(() => new RecipeCatalog([recipe])).toThrow(message);
  });

  it('names the field of a bad audience source, relation or field', () => {
    const withAudience = (audience: unknown[]) => () =>
      new RecipeCatalog([{ ...defaultRecipes[0], audience }]);

    expect(withAudience([{ relation: 'follow' }])).toThrow(
      'recipes[0].audience[0].targetField: required with "relation"',
    );
    expect(withAudience([{}])).toThrow('recipes[0].audience[0].relation: required (or "field"');
    expect(withAudience([{ field: 3 }])).toThrow(/^recipes\[0\]\.audience\[0\]\.field: .*expected string/);
    expect(withAudience([{ relation: 'follow', targetField: 'sellerId', field: 'userId' }])).toThrow(
      'recipes[0].audience[0].field: names the audience itself: leave out relation and targetField',
    );
    expect(
      new RecipeCatalog([{ ...defaultRecipes[0], audience: [{ field: 'buyerId' }] }]).recipes[0]?.audience,
    ).toEqual([{ field: 'buyerId' }]);
  });

  it('refuses a loop of recipes when the catalog loads, naming them in order', () => {
    const loop = [
      emitter('grant', 'OrderPlaced', 'BenefitGranted'),
      emitter('upgrade', 'BenefitGranted', 'TierRaised'),
      emitter('regrant', 'TierRaised', 'BenefitGranted'),
    ];

    expect(() => new RecipeCatalog(loop)).toThrow(ValidationError);
    expect(() => new RecipeCatalog(loop)).toThrow(
      'recipes "upgrade" -> "regrant" -> "upgrade" form a loop: each emits what the next fires on',
    );
    expect(() => new RecipeCatalog([emitter('echo', 'Echoed', 'Echoed')])).toThrow(
      /^recipes\[0\]\.emit\.detailType: recipes "echo" -> "echo" form a loop/,
    );
  });

  it('refuses a scenario whose recipes loop, as an error of its recipes', () => {
    const recipes = [emitter('ping', 'Ponged', 'Pinged'), emitter('pong', 'Pinged', 'Ponged')];

    expect(() => parseScenario({ start: '2026-11-21T10:00:00Z', recipes })).toThrow(
      '$.recipes: recipes "ping" -> "pong" -> "ping" form a loop: each emits what the next fires on',
    );
  });

  it(`allows a chain of ${MAX_CHAIN_DEPTH} emits and refuses a longer one`, () => {
    const chain = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        emitter(`step-${i}`, i === 0 ? 'OrderPlaced' : `Step${i - 1}`, `Step${i}`),
      );

    expect(() => new RecipeCatalog(chain(MAX_CHAIN_DEPTH))).not.toThrow();
    expect(() => new RecipeCatalog(chain(MAX_CHAIN_DEPTH + 1))).toThrow(
      `recipe "step-0" starts a chain of ${MAX_CHAIN_DEPTH + 1} emit actions; at most ${MAX_CHAIN_DEPTH} may follow one another`,
    );
  });

  it('gives every herald.actions detail-type the action contract', () => {
    const contract = findContract('herald.actions', 'BenefitGranted');
    const detail = {
      recipeId: 'grant',
      userId: 'amy',
      actionId: 'a1',
      trigger: { id: 'e1', source: 'market.orders', detailType: 'OrderPlaced' },
      chain: ['grant'],
      orderTotal: 80,
    };

    expect(contract?.detail.parse(detail)).toEqual(detail);
    expect(contract?.detail.safeParse({ ...detail, chain: [] }).success).toBe(false);
    expect(findContract('herald.other', 'BenefitGranted')).toBeUndefined();
  });

  it('expects what emit recipes put on the bus, so a team’s own rule may take it', () => {
    const rules = busRules(new RecipeCatalog([emitter('grant', 'OrderPlaced', 'BenefitGranted')]));

    expect(rules.find((r) => r.name === 'unexpected-herald-actions')?.pattern).toEqual({
      source: ['herald.actions'],
      'detail-type': [{ 'anything-but': ['BenefitGranted'] }],
    });
  });
});

describe('planTrigger keeps a chain from looping at run time', () => {
  const at = new Date('2026-11-21T10:00:00Z');
  const grant = emitter('grant', 'OrderPlaced', 'BenefitGranted');
  const notify = { ...emitter('notify', 'BenefitGranted', 'Notified') };
  const benefit = (chain: string[]) => ({
    id: 'e1',
    source: 'herald.actions',
    detailType: 'BenefitGranted',
    time: at,
    detail: {
      recipeId: chain.at(-1),
      userId: 'amy',
      actionId: 'a1',
      trigger: { id: 'e0', source: 'market.orders', detailType: 'OrderPlaced' },
      chain,
    },
  });
  const plan = async (recipeId: string, chain: string[]) => {
    const fanout = new SerialisingWorkQueue<FanoutTask>({ keep: true });
    const deps = inMemoryFanOutDeps(at, { catalog: new RecipeCatalog([grant, notify]), fanout });
    return planTrigger(recipeId, benefit(chain), {}, { ...deps, rejected: { keep: async () => undefined } });
  };

  it('plans a recipe not yet in the chain', async () => {
    expect(await plan('notify', ['grant'])).toMatchObject({ status: 'planned' });
  });

  it('rejects an event whose chain holds the recipe already (a catalog changed since it was emitted)', async () => {
    expect(await plan('notify', ['grant', 'notify'])).toEqual({
      status: 'rejected',
      reason: 'detail.chain: recipe notify is already in the chain grant -> notify',
    });
  });

  it(`rejects an emit past ${MAX_CHAIN_DEPTH} actions`, async () => {
    expect(await plan('notify', ['a', 'b', 'c', 'grant'])).toEqual({
      status: 'rejected',
      reason: `detail.chain: recipe notify would emit past the chain's ${MAX_CHAIN_DEPTH} actions`,
    });
  });
});
