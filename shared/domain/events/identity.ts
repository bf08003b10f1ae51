import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal details give equal text. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/**
 * The business identity of an event: what makes two publishes "the same listing". EventBridge
 * gives every PutEvents entry a new id, so a publisher that re-sends after a timeout would push
 * twice if dedupe rested on the event id. A recipe may name the detail fields that identify its
 * event (`["itemId"]`: one push per item, whatever else changed); by default the whole detail
 * counts, with the source and detail-type. The result is a digest: it goes into fatigue items
 * and job ids, so its length is fixed whatever the detail holds.
 *
 * @example businessIdentity({ source: 'market.items', detailType: 'ItemListed', detail }, ['itemId'])
 */
export const businessIdentity = (
  event: { readonly source: string; readonly detailType: string; readonly detail: unknown },
  fields?: readonly string[],
): string => {
  const detail = event.detail as Readonly<Record<string, unknown>>;
  const identifying =
    fields && fields.length > 0 ? Object.fromEntries(fields.map((f) => [f, detail?.[f] ?? null])) : detail;
  return createHash('sha256')
    .update(canonical({ source: event.source, detailType: event.detailType, detail: identifying }))
    .digest('base64url')
    .slice(0, 22);
};
