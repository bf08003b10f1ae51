import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../shared/domain/engagement/message-log.ts';
import { defaultRecipe } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { busRules, conversionRules } from '../../../shared/domain/routing/bus-rules.ts';
import { applyInputTransformer, testEventPattern } from '../../../shared/event-patterns/index.ts';
import { toInputTransformer } from '../../../shared/local/bus/rule-input.ts';
import { conversionRecord, recordConversion } from '../../../shared/use-cases/record-conversion.ts';

const order = {
  version: '0',
  id: 'order-1',
  'detail-type': 'OrderPlaced',
  source: 'market.orders',
  account: '123456789012',
  time: '2026-11-21T14:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { buyerId: 'u1', total: 12 },
};
const conversion = { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyerId' };
const catalog = () =>
  new RecipeCatalog([
    { ...defaultRecipe('followed-seller-new-item'), conversion },
    { ...defaultRecipe('favorited-item-price-drop'), conversion: { ...conversion, windowHours: 24 } },
  ]);

describe('recordConversion', () => {
  it('makes the converted record of the user at the recipe’s user field', () => {
    expect(conversionRecord(order, conversion)).toEqual({
      time: '2026-11-21T14:00:00.000Z',
      step: 'converted',
      scope: '',
      variant: '',
      eventId: 'order-1',
      userId: 'u1',
    });
    expect(
      conversionRecord({ ...order, detail: { buyer: { id: 7 } } }, { userField: 'buyer.id' })?.userId,
    ).toBe('7');
    expect(conversionRecord({ ...order, detail: {} }, conversion)).toBeUndefined();
  });

  it('appends what the conversion rule hands it, as the local bus delivers it', async () => {
    const [rule] = conversionRules(catalog());
    const appended: MessageRecord[][] = [];
    const input = JSON.parse(applyInputTransformer(toInputTransformer(rule!.input!), order));

    await recordConversion(input, {
      messageLog: { append: async (records) => void appended.push([...records]) },
    });

    expect(appended).toEqual([[conversionRecord(order, conversion)]]);
  });
});

describe('conversionRules', () => {
  it('makes one rule per distinct conversion, and busRules no longer keeps those events as unexpected', () => {
    const rules = conversionRules(catalog());

    expect(rules).toEqual([
      {
        name: 'conversion-market-orders-OrderPlaced-buyerId',
        description:
          'Records OrderPlaced events of market.orders as conversions of the user at detail.buyerId',
        pattern: { source: ['market.orders'], 'detail-type': ['OrderPlaced'] },
        target: 'conversion',
        input: { constants: { userField: 'buyerId' }, eventField: 'event' },
      },
    ]);
    const keeping = busRules(catalog()).filter(
      (r) =>
        r.target === 'rejected-events' && testEventPattern(JSON.stringify(r.pattern), JSON.stringify(order)),
    );
    expect(keeping).toEqual([]);
  });
});
