import { ACTION_SOURCE, MAX_CHAIN_DEPTH } from '../actions/action-event.ts';
import { ValidationError } from '../errors.ts';
import type { Recipe } from './recipe.ts';

/**
 * The recipes an emit recipe's events trigger: those whose trigger is its detail-type from
 * `herald.actions`. Conservative: a trigger's `detailPattern` may narrow what it fires on, but
 * the check counts every recipe that could fire.
 */
const triggeredBy = (recipe: Recipe, recipes: readonly Recipe[]): Recipe[] =>
  recipe.action === 'emit' && recipe.emit
    ? recipes.filter(
        (r) => r.trigger.source === ACTION_SOURCE && r.trigger.detailType === recipe.emit!.detailType,
      )
    : [];

/**
 * Refuses a catalog in which emit recipes can trigger one another in a loop (`a` emits what `b`
 * fires on, `b` emits what `a` fires on, or `a` fires on its own event), or chain deeper than
 * {@link MAX_CHAIN_DEPTH} emits. The error names the recipes of the loop, in order. At run time
 * the planner checks each event's `chain` as well: a catalog changed between two deploys can
 * never make an event loop either.
 */
export const refuseActionLoops = (recipes: readonly Recipe[]): void => {
  const index = new Map(recipes.map((r, i) => [r.id, i]));
  /** Longest run of emits starting at a recipe, once known. */
  const depth = new Map<string, number>();
  const visit = (recipe: Recipe, path: readonly string[]): number => {
    const known = depth.get(recipe.id);
    if (known !== undefined) return known;
    const loopAt = path.indexOf(recipe.id);
    if (loopAt >= 0) {
      const loop = [...path.slice(loopAt), recipe.id];
      const first = recipes[index.get(loop[0]!)!]!;
      throw new ValidationError(
        `recipes[${index.get(first.id)}].emit.detailType`,
        `recipes ${loop.map((id) => `"${id}"`).join(' -> ')} form a loop: each emits what the next fires on`,
      );
    }
    const next = triggeredBy(recipe, recipes).map((r) => visit(r, [...path, recipe.id]));
    const own = recipe.action === 'emit' ? 1 : 0;
    const longest = own + Math.max(0, ...next);
    depth.set(recipe.id, longest);
    return longest;
  };
  for (const recipe of recipes) {
    const longest = visit(recipe, []);
    if (longest > MAX_CHAIN_DEPTH)
      throw new ValidationError(
        `recipes[${index.get(recipe.id)}].emit`,
        `recipe "${recipe.id}" starts a chain of ${longest} emit actions; at most ${MAX_CHAIN_DEPTH} may follow one another`,
      );
  }
};
