import { describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../shared/domain/recipes/default-catalog.ts';
import { expectBalanced, listed, minute, priceDropped, run } from '../support/scenarios.ts';

// Two apps of one group: the marketplace (the default app) and a shop app. Amy has both, Ben
// only the marketplace, Cai only the shop.
const devices = [
  { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-market' },
  { userId: 'amy', app: 'shop', platform: 'FCM', token: 'fcm-token-amy-shop' },
  { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-market' },
  { userId: 'cai', app: 'shop', platform: 'APNS', token: 'apns-token-cai-shop' },
];
const everyone = ['amy', 'ben', 'cai'];
const relations = everyone.flatMap((from) => [
  { type: 'follow', from, to: 'seller-9' },
  { type: 'favorite', from, to: 'item-1' },
]);
/** New listings are the shop app's: the recipe targets it. Price drops keep targeting every app. */
const newItemsInShop = { ...defaultRecipe('followed-seller-new-item'), app: 'shop' };
const noQuietHours = { quietHours: null };

/** Who received what, through which app: `user/app/recipe`, sorted. */
const receivedBy = (report: Awaited<ReturnType<typeof run>>) =>
  report.deliveries.map((d) => `${d.userId}/${d.app ?? 'default'}/${d.recipe}`).sort();

describe('several apps, end to end on DynamoDB Local and fauxqs', () => {
  it('pushes a recipe for one app to that app’s devices only, and one for all apps to every device', async () => {
    const report = await run({
      devices,
      relations,
      recipes: [newItemsInShop],
      policy: noQuietHours,
      events: [listed(minute(5), 'seller-9'), priceDropped(minute(10), 'item-1')],
    });

    expect(receivedBy(report)).toEqual([
      'amy/default/favorited-item-price-drop',
      'amy/shop/favorited-item-price-drop',
      'amy/shop/followed-seller-new-item',
      'ben/default/favorited-item-price-drop',
      'cai/shop/favorited-item-price-drop',
      'cai/shop/followed-seller-new-item',
    ]);
    // Ben has no shop device: his outcome says so, like any recipient without a device.
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 3,
      delivered: 2,
      suppressed: { 'no-device': 1 },
    });
    // Amy is one user on two apps: one recipient, delivered once, whatever her devices.
    expect(report.outcomes['favorited-item-price-drop']).toMatchObject({ planned: 3, delivered: 3 });
    expectBalanced(report);
  });

  it('counts a user’s pushes against one set of caps across apps; a push no app showed takes no slot', async () => {
    const report = await run({
      devices,
      relations,
      recipes: [newItemsInShop],
      policy: { ...noQuietHours, user: [{ window: 'day', limit: 1 }] },
      events: [listed(minute(5), 'seller-9'), priceDropped(minute(10), 'item-1')],
    });

    // Amy and Cai had their one push of the day in the shop app; Ben, who has no shop app, did
    // not, so the price drop reaches him in the marketplace.
    expect(receivedBy(report)).toEqual([
      'amy/shop/followed-seller-new-item',
      'ben/default/favorited-item-price-drop',
      'cai/shop/followed-seller-new-item',
    ]);
    expect(report.outcomes['favorited-item-price-drop']?.suppressed).toEqual({ 'fatigue.user': 2 });
    expectBalanced(report);
  });

  it('keeps a single-app scenario’s report as it was: no app named on its deliveries', async () => {
    const report = await run({
      devices: devices.filter((d) => !d.app),
      relations,
      policy: noQuietHours,
      events: [listed(minute(5), 'seller-9')],
    });

    expect(report.deliveries.map((d) => d.userId).sort()).toEqual(['amy', 'ben']);
    expect(report.deliveries.every((d) => !('app' in d))).toBe(true);
  });

  it('refuses a device whose app is not an app id, naming the field', async () => {
    await expect(
      run({ devices: [{ userId: 'amy', app: 'Shop App', platform: 'FCM', token: 'fcm-token-amy' }] }),
    ).rejects.toThrow(/^\$\.devices\[0\]\.app: expected an app id/);
  });
});
