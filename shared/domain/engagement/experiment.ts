import { createHash } from 'node:crypto';
import { z } from 'zod';

const variantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'expected a short id such as "A" or "short-title"');

/** A push template, as a recipe's. Kept here so experiments and recipes share it. */
export const pushTemplateSchema = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(1000),
  /** App route opened on tap, e.g. `market://items/{{detail.itemId}}`. */
  deepLink: z.string().max(500).optional(),
});
export type PushTemplate = z.infer<typeof pushTemplateSchema>;

const variantSchema = z.union([
  z.strictObject({ id: variantId, weight: z.number().int().min(0).max(100), push: pushTemplateSchema }),
  /** Receives nothing: counted `suppressed: holdout`, so that conversions without a push give the lift. */
  z.strictObject({ id: variantId, weight: z.number().int().min(0).max(100), holdout: z.literal(true) }),
]);
export type Variant = z.infer<typeof variantSchema>;

/** Up to 8 variants whose weights sum to 100; ids are unique. */
export const variantsSchema = z
  .array(variantSchema)
  .min(2)
  .max(8)
  .superRefine((variants, ctx) => {
    const total = variants.reduce((n, v) => n + v.weight, 0);
    if (total !== 100) ctx.addIssue({ code: 'custom', message: `weights sum to ${total}, expected 100` });
    const seen = new Map<string, number>();
    variants.forEach((v, i) => {
      const first = seen.get(v.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          message: `duplicate variant id "${v.id}" (first at [${first}])`,
        });
      else seen.set(v.id, i);
    });
  });

/** The event that counts as a conversion of a message's recipient, e.g. an order. */
export const conversionSchema = z.strictObject({
  source: z.string().min(1),
  detailType: z.string().min(1),
  /** Detail field holding the converting user's id, e.g. `buyerId`. */
  userField: z.string().min(1),
  /** How long after a message a conversion is attributed to it. */
  windowHours: z
    .number()
    .int()
    .positive()
    .max(24 * 90)
    .default(72),
});
export type Conversion = z.output<typeof conversionSchema>;

/** The variant that has no variants: every recipient, the recipe's own push. */
export const singleVariant = 'A';

/**
 * The variant of a user: a hash of the experiment's salt and the user id, mapped onto the
 * cumulative weights. Deterministic and sticky with no storage: the same user lands in the same
 * variant across events, retries and workers (Braze assigns the same way).
 *
 * @example assignVariant('price-drop-2026-11', 'u1', [{ id: 'A', weight: 50, push }, { id: 'B', weight: 50, push }])
 */
export const assignVariant = (salt: string, userId: string, variants: readonly Variant[]): Variant => {
  const point = createHash('sha256').update(`${salt}\u0000${userId}`).digest().readUInt32BE(0) % 10_000;
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.weight * 100;
    if (point < upTo) return variant;
  }
  return variants[variants.length - 1]!;
};
