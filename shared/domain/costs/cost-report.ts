import {
  type AwsService,
  awsServices,
  costOf,
  defaultPricing,
  type PricingOptions,
  pricesFor,
} from './price-table.ts';
import type { CostRecords, UsageCounter } from './usage-counters.ts';

export interface ScopeCost {
  readonly usd: number;
  readonly delivered: number;
  /** Null when nothing was delivered. */
  readonly perMillionDeliveredUsd: number | null;
}

/** The `costs` report (README, "Costs"): every part adds up to `totalUsd`, to the cent. */
export interface CostReport {
  readonly totalUsd: number;
  readonly perMillionDeliveredUsd: number | null;
  readonly delivered: number;
  readonly byService: Record<string, number>;
  readonly byRecipe: Record<string, ScopeCost>;
  readonly byCampaign: Record<string, ScopeCost>;
  readonly byBusiness: Record<string, ScopeCost>;
  readonly overhead: Record<string, number>;
  readonly pricing: { readonly region: string; readonly capacity: string; readonly freeTiers: 'ignored' };
}

export const costDimensions = ['business', 'recipe', 'campaign', 'variant', 'service', 'day'] as const;
export type CostDimension = (typeof costDimensions)[number];

export interface CostRow {
  readonly key: string;
  readonly usd: number;
  readonly delivered: number;
  readonly perMillionDeliveredUsd: number | null;
  /** Share of the total, 0..1. */
  readonly share: number;
}

/** Scopes named `campaign:<id>` (or `campaign#<id>`) are campaigns; every other scope is a recipe. */
export const isCampaign = (scope: string) => /^campaign[:#]/.test(scope);

const cents = (usd: number) => usd * 100;

/**
 * Rounds parts to the cent so that they add up to `totalCents` exactly: each part is rounded
 * down, and the cents left go to the parts with the largest remainders (ties by key), so the
 * same data always gives the same split.
 */
export const distributeCents = (
  parts: ReadonlyMap<string, number>,
  totalCents: number,
): Map<string, number> => {
  const floors = [...parts].map(([key, c]) => ({
    key,
    floor: Math.floor(c + 1e-9),
    rest: c - Math.floor(c + 1e-9),
  }));
  let left = totalCents - floors.reduce((n, f) => n + f.floor, 0);
  const order = [...floors].sort((a, b) => b.rest - a.rest || (a.key < b.key ? -1 : 1));
  const out = new Map(floors.map((f) => [f.key, f.floor]));
  for (let i = 0; left !== 0 && order.length > 0; i = (i + 1) % order.length) {
    const step = left > 0 ? 1 : -1;
    out.set(order[i]!.key, out.get(order[i]!.key)! + step);
    left -= step;
  }
  return out;
};

const perMillion = (usd: number, delivered: number) =>
  delivered > 0 ? Math.round((usd / delivered) * 1e6 * 100) / 100 : null;

/** Cost of every counter, per service, unrounded. */
const priced = (records: CostRecords, pricing: PricingOptions) => {
  const table = pricesFor(pricing);
  return records.usage.map((counter) => ({ counter, ...costOf(counter.usage, table) }));
};

const keyOf = (counter: UsageCounter, dimension: CostDimension): string => {
  switch (dimension) {
    case 'business':
      return counter.business;
    case 'recipe':
    case 'campaign':
      return counter.kind === 'overhead' ? `overhead:${counter.name}` : counter.name;
    case 'variant':
      return counter.kind === 'overhead' ? `overhead:${counter.name}` : `${counter.name}#${counter.variant}`;
    case 'day':
      return counter.day;
    case 'service':
      return '';
  }
};

/**
 * Rows of cost by one dimension, largest first, rounded once so that they add up to the total.
 * `service` splits by AWS service; every other dimension by the counters' own keys.
 */
export const costRows = (
  records: CostRecords,
  dimension: CostDimension,
  pricing: PricingOptions = {},
): CostRow[] => {
  const costs = priced(records, pricing);
  const raw = new Map<string, number>();
  const add = (key: string, usd: number) => raw.set(key, (raw.get(key) ?? 0) + cents(usd));
  for (const c of costs) {
    if (dimension === 'service') for (const s of awsServices) add(s, c.byService[s]);
    else add(keyOf(c.counter, dimension), c.total);
  }
  if (dimension === 'campaign' || dimension === 'recipe')
    for (const key of [...raw.keys()])
      if (!key.startsWith('overhead:') && isCampaign(key) !== (dimension === 'campaign')) raw.delete(key);
  const totalCents = Math.round([...raw.values()].reduce((a, b) => a + b, 0));
  const rounded = distributeCents(raw, totalCents);
  const delivered = new Map<string, number>();
  const businessOf = new Map(
    records.usage.filter((u) => u.kind === 'scope').map((u) => [u.name, u.business]),
  );
  for (const d of records.delivered) {
    const key =
      dimension === 'business'
        ? (businessOf.get(d.scope) ?? 'unknown')
        : dimension === 'variant'
          ? `${d.scope}#${d.variant}`
          : dimension === 'day'
            ? d.day
            : dimension === 'service'
              ? undefined
              : d.scope;
    if (key !== undefined) delivered.set(key, (delivered.get(key) ?? 0) + d.count);
  }
  const allDelivered = records.delivered.reduce((n, d) => n + d.count, 0);
  // Per million and share from the unrounded cost: a small run costs fractions of a cent.
  const rawTotal = [...raw.values()].reduce((a, b) => a + b, 0);
  return [...rounded]
    .map(([key, c]) => {
      const pushes = dimension === 'service' ? allDelivered : (delivered.get(key) ?? 0);
      const exact = raw.get(key) ?? 0;
      return {
        key,
        usd: c / 100,
        delivered: pushes,
        perMillionDeliveredUsd: perMillion(exact / 100, pushes),
        share: rawTotal > 0 ? exact / rawTotal : 0,
      };
    })
    .sort((a, b) => b.usd - a.usd || (a.key < b.key ? -1 : 1));
};

/** The whole report: total, per service, recipe, campaign, business and overhead line. */
export const buildCostReport = (records: CostRecords, pricing: PricingOptions = {}): CostReport => {
  const costs = priced(records, pricing);
  const totalCents = Math.round(costs.reduce((n, c) => n + cents(c.total), 0));
  const delivered = records.delivered.reduce((n, d) => n + d.count, 0);
  const deliveredBy = (match: (scope: string) => string | undefined) => {
    const out = new Map<string, number>();
    for (const d of records.delivered) {
      const key = match(d.scope);
      if (key !== undefined) out.set(key, (out.get(key) ?? 0) + d.count);
    }
    return out;
  };
  const businessOf = new Map(
    records.usage.filter((u) => u.kind === 'scope').map((u) => [u.name, u.business]),
  );

  // Partition 1: recipes, campaigns and overhead lines.
  const byScope = new Map<string, number>();
  // Partition 2: businesses and overhead lines.
  const byBusiness = new Map<string, number>();
  const byService = new Map<string, number>(awsServices.map((s) => [s, 0]));
  for (const { counter, total, byService: services } of costs) {
    const scopeKey =
      counter.kind === 'overhead' ? `overhead\u0000${counter.name}` : `scope\u0000${counter.name}`;
    const businessKey =
      counter.kind === 'overhead' ? `overhead\u0000${counter.name}` : `business\u0000${counter.business}`;
    byScope.set(scopeKey, (byScope.get(scopeKey) ?? 0) + cents(total));
    byBusiness.set(businessKey, (byBusiness.get(businessKey) ?? 0) + cents(total));
    for (const s of awsServices) byService.set(s, byService.get(s)! + cents(services[s as AwsService]));
  }
  const scopes = distributeCents(byScope, totalCents);
  const businesses = distributeCents(byBusiness, totalCents);
  const services = distributeCents(byService, totalCents);

  const deliveredByScope = deliveredBy((s) => s);
  const deliveredByBusiness = deliveredBy((s) => businessOf.get(s) ?? 'unknown');
  // Per million from the unrounded cost (`exact`, in cents): a small run costs fractions of a cent.
  const scopeCost = (c: number, pushes: number, exact: number): ScopeCost => ({
    usd: c / 100,
    delivered: pushes,
    perMillionDeliveredUsd: perMillion(exact / 100, pushes),
  });
  const byRecipe: Record<string, ScopeCost> = {};
  const byCampaign: Record<string, ScopeCost> = {};
  const overhead: Record<string, number> = {};
  for (const [key, c] of [...scopes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [kind, name] = key.split('\u0000') as [string, string];
    if (kind === 'overhead') overhead[name] = c / 100;
    else
      (isCampaign(name) ? byCampaign : byRecipe)[name] = scopeCost(
        c,
        deliveredByScope.get(name) ?? 0,
        byScope.get(key) ?? 0,
      );
  }
  const byBusinessOut: Record<string, ScopeCost> = {};
  for (const [key, c] of [...businesses].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [kind, name] = key.split('\u0000') as [string, string];
    if (kind === 'business')
      byBusinessOut[name] = scopeCost(c, deliveredByBusiness.get(name) ?? 0, byBusiness.get(key) ?? 0);
  }
  const region = pricing.region ?? defaultPricing.region;
  const capacity = pricing.capacity ?? defaultPricing.capacity;
  return {
    totalUsd: totalCents / 100,
    perMillionDeliveredUsd: perMillion(
      costs.reduce((n, c) => n + c.total, 0),
      delivered,
    ),
    delivered,
    byService: Object.fromEntries([...services].map(([s, c]) => [s, c / 100])),
    byRecipe,
    byCampaign,
    byBusiness: byBusinessOut,
    overhead,
    pricing: {
      region,
      capacity:
        capacity.mode === 'on-demand'
          ? 'on-demand'
          : `provisioned at ${capacity.utilisation * 100}% utilisation`,
      freeTiers: 'ignored',
    },
  };
};

export interface MonthEndForecast {
  readonly monthToDateUsd: number;
  readonly dailyAverageUsd: number;
  readonly forecastUsd: number;
  readonly daysLeft: number;
}

/**
 * Month-end forecast, unrounded: what the month cost so far plus the trailing seven days' daily
 * average for every day left. `asOf` is the last day counted (`2026-11-21`). Charts plot these
 * figures: a small run costs fractions of a cent, which would all round to zero.
 */
export const exactMonthEndForecast = (
  dailyUsd: ReadonlyMap<string, number>,
  asOf: string,
): MonthEndForecast => {
  const [year, month] = asOf.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Number(asOf.slice(8, 10));
  const monthPrefix = asOf.slice(0, 8);
  const asOfTime = Date.parse(`${asOf}T00:00:00Z`);
  let monthToDate = 0;
  let trailing = 0;
  for (const [d, usd] of dailyUsd) {
    if (d.startsWith(monthPrefix) && d <= asOf) monthToDate += usd;
    const age = (asOfTime - Date.parse(`${d}T00:00:00Z`)) / 86_400_000;
    if (age >= 0 && age < 7) trailing += usd;
  }
  const dailyAverage = trailing / 7;
  const daysLeft = end - day;
  return {
    monthToDateUsd: monthToDate,
    dailyAverageUsd: dailyAverage,
    forecastUsd: monthToDate + dailyAverage * daysLeft,
    daysLeft,
  };
};

/** The month-end forecast of `exactMonthEndForecast`, each figure rounded to the cent. */
export const monthEndForecast = (dailyUsd: ReadonlyMap<string, number>, asOf: string): MonthEndForecast => {
  const exact = exactMonthEndForecast(dailyUsd, asOf);
  const round = (usd: number) => Math.round(usd * 100) / 100;
  return {
    monthToDateUsd: round(exact.monthToDateUsd),
    dailyAverageUsd: round(exact.dailyAverageUsd),
    forecastUsd: round(exact.forecastUsd),
    daysLeft: exact.daysLeft,
  };
};
