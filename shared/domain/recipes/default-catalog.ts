import { canaryRecipe } from './canary.ts';
import { RecipeCatalog } from './recipe.ts';

/** The demo marketplace's recipes; documented in the README. */
export const defaultRecipes = [
  {
    id: 'followed-seller-new-item',
    description: "A seller you follow listed an item: push to the seller's followers.",
    trigger: { source: 'market.items', detailType: 'ItemListed' },
    audience: [{ relation: 'follow', targetField: 'sellerId' }],
    business: 'listings',
    category: 'new-items',
    senderField: 'sellerId',
    push: {
      title: 'New from a seller you follow',
      body: '{{detail.title}}: {{detail.price}} {{detail.currency}}',
      deepLink: 'market://items/{{detail.itemId}}',
    },
  },
  {
    id: 'favorited-item-price-drop',
    description: 'An item you favorited or viewed got cheaper: one push per user, whichever relation.',
    trigger: { source: 'market.items', detailType: 'PriceDropped' },
    audience: [
      { relation: 'favorite', targetField: 'itemId' },
      { relation: 'browse', targetField: 'itemId' },
    ],
    business: 'price-alerts',
    category: 'price-drops',
    senderField: 'sellerId',
    push: {
      title: 'Price drop: {{detail.title}}',
      body: 'Now {{detail.newPrice}} {{detail.currency}}, was {{detail.oldPrice}}',
      deepLink: 'market://items/{{detail.itemId}}',
    },
  },
  {
    id: 'seller-offer-to-favoriters',
    description: 'A seller sends an offer to everyone who favorited the item (seller -> buyer).',
    trigger: { source: 'market.offers', detailType: 'OfferSent' },
    audience: [{ relation: 'favorite', targetField: 'itemId' }],
    business: 'offers',
    category: 'promotions',
    senderField: 'sellerId',
    push: {
      title: 'An offer on {{detail.title}}',
      body: '{{detail.discountPercent}}% off, from the seller, just for you',
      deepLink: 'market://items/{{detail.itemId}}',
    },
  },
  canaryRecipe,
] as const;

export const defaultCatalog = (): RecipeCatalog => new RecipeCatalog(defaultRecipes);
