import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  buildCostReport,
  costRows,
  exactMonthEndForecast,
  isCampaign,
  monthEndForecast,
} from '../domain/costs/cost-report.ts';
import { awsServices, costOf, type PricingOptions, pricesFor } from '../domain/costs/price-table.ts';
import type { CostRecords } from '../domain/costs/usage-counters.ts';

/** The charts of the report, by canvas id: the browser test checks that each one drew. */
export const costReportCharts = ['per-million-by-business', 'by-service', 'top-scopes', 'forecast'] as const;

/** How many recipes and campaigns the top chart shows. */
const TOP_SCOPES = 10;

/**
 * Chart.js's UMD build, read from the installed package when a report is written: the report
 * carries it inline, so it opens offline and from any folder (no CDN, no file beside it).
 */
export const readChartJs = async (): Promise<string> => {
  // The package exports only its module entry points; the UMD build sits beside them in dist/.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFile(join(dirname(entry), 'chart.umd.js'), 'utf8');
};

/**
 * The data the page's script draws: every figure computed here, none in the browser. Figures
 * shown as text are rounded to the cent; the charts plot unrounded costs, so that a small run
 * (a few pushes cost fractions of a cent) still draws its bars, slices and lines.
 */
export interface CostReportData {
  readonly title: string;
  readonly totalUsd: number;
  readonly delivered: number;
  readonly perMillionDeliveredUsd: number | null;
  readonly pricing: string;
  readonly days: readonly string[];
  /** Cost per million delivered, per business, per day of `days` (null: nothing delivered). */
  readonly perMillionByBusiness: Record<string, (number | null)[]>;
  /** Cost per AWS service, rounded to the cent (adds up to `totalUsd`). */
  readonly byService: Record<string, number>;
  /** Cost per AWS service, unrounded: what the chart plots. */
  readonly byServiceExact: Record<string, number>;
  /** The costliest recipes and campaigns: `usd` rounded to the cent, `exactUsd` unrounded (plotted). */
  readonly topScopes: readonly { key: string; usd: number; exactUsd: number; kind: 'recipe' | 'campaign' }[];
  readonly overhead: Record<string, number>;
  readonly forecast: {
    readonly asOf: string;
    readonly monthDays: readonly string[];
    /** Cost to date at the end of each day of the month, up to `asOf` (unrounded, plotted). */
    readonly actual: (number | null)[];
    /** From `asOf` to the month's end, at the trailing seven days' daily average (unrounded, plotted). */
    readonly projected: (number | null)[];
    readonly monthToDateUsd: number;
    readonly dailyAverageUsd: number;
    readonly forecastUsd: number;
    readonly daysLeft: number;
  };
}

const recordsOfDay = (records: CostRecords, day: string): CostRecords => ({
  usage: records.usage.filter((u) => u.day === day),
  delivered: records.delivered.filter((d) => d.day === day),
});

const dayAfter = (day: string, n = 1) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Every figure of the HTML report, from the stored counters. `asOf` (the last day counted)
 * anchors the forecast; the last day with usage when absent.
 */
export const costReportData = (
  records: CostRecords,
  pricing: PricingOptions = {},
  asOf?: string,
): CostReportData => {
  const report = buildCostReport(records, pricing);
  const table = pricesFor(pricing);
  const costs = records.usage.map((counter) => ({ counter, ...costOf(counter.usage, table) }));
  const days = [...new Set(records.usage.map((u) => u.day))].sort();
  const businesses = [
    ...new Set(records.usage.filter((u) => u.kind === 'scope').map((u) => u.business)),
  ].sort();
  const perMillionByBusiness: Record<string, (number | null)[]> = Object.fromEntries(
    businesses.map((b) => [b, days.map(() => null)]),
  );
  // Unrounded: the rows' costs are rounded to the cent, and a small day's are all zero.
  const dailyUsd = new Map<string, number>();
  for (const { counter, total } of costs) dailyUsd.set(counter.day, (dailyUsd.get(counter.day) ?? 0) + total);
  days.forEach((day, i) => {
    const rows = costRows(recordsOfDay(records, day), 'business', pricing);
    for (const row of rows) {
      const series = perMillionByBusiness[row.key];
      if (series) series[i] = row.perMillionDeliveredUsd;
    }
  });
  const byServiceExact: Record<string, number> = Object.fromEntries(awsServices.map((s) => [s, 0]));
  const byScopeExact = new Map<string, number>();
  for (const { counter, total, byService } of costs) {
    for (const s of awsServices) byServiceExact[s]! += byService[s];
    if (counter.kind === 'scope')
      byScopeExact.set(counter.name, (byScopeExact.get(counter.name) ?? 0) + total);
  }
  const topScopes = [...byScopeExact]
    .map(([key, exactUsd]) => {
      const kind = isCampaign(key) ? ('campaign' as const) : ('recipe' as const);
      const usd = (kind === 'campaign' ? report.byCampaign : report.byRecipe)[key]?.usd ?? 0;
      return { key, usd, exactUsd, kind };
    })
    .sort((a, b) => b.exactUsd - a.exactUsd || (a.key < b.key ? -1 : 1))
    .slice(0, TOP_SCOPES);

  const last = asOf ?? days.at(-1) ?? new Date().toISOString().slice(0, 10);
  const forecast = monthEndForecast(dailyUsd, last);
  const exact = exactMonthEndForecast(dailyUsd, last);
  const monthDays: string[] = [];
  for (let day = `${last.slice(0, 8)}01`; day.slice(0, 7) === last.slice(0, 7); day = dayAfter(day))
    monthDays.push(day);
  let toDate = 0;
  const actual = monthDays.map((day) => {
    if (day > last) return null;
    toDate += dailyUsd.get(day) ?? 0;
    return toDate;
  });
  const projected = monthDays.map((day) => {
    if (day < last) return null;
    const daysAfter = (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${last}T00:00:00Z`)) / 86_400_000;
    return exact.monthToDateUsd + exact.dailyAverageUsd * daysAfter;
  });
  return {
    title: `Herald costs${days.length ? `, ${days[0]} to ${days.at(-1)}` : ''}`,
    totalUsd: report.totalUsd,
    delivered: report.delivered,
    perMillionDeliveredUsd: report.perMillionDeliveredUsd,
    pricing: `${report.pricing.region}, DynamoDB ${report.pricing.capacity}; free tiers ignored`,
    days,
    perMillionByBusiness,
    byService: report.byService,
    byServiceExact,
    topScopes,
    overhead: report.overhead,
    forecast: { asOf: last, monthDays, actual, projected, ...forecast },
  };
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end or bend it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The page's own script: draws the four charts from `data`, with the inlined Chart.js. */
const drawCharts = `
const data = JSON.parse(document.getElementById('report-data').textContent);
// A fraction of a cent shows its first significant digits rather than $0.00.
const usd = (n) => (n > 0 && n < 0.01 ? '$' + Number(n).toPrecision(2) : '$' + Number(n).toFixed(2));
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
new Chart(document.getElementById('per-million-by-business'), {
  type: 'line',
  data: {
    labels: data.days,
    datasets: Object.entries(data.perMillionByBusiness).map(([business, series], i) => ({
      label: business, data: series, borderColor: palette[i % palette.length],
      backgroundColor: palette[i % palette.length], spanGaps: true, pointRadius: 3,
    })),
  },
  options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'USD per million delivered' } } } },
});
const services = Object.entries(data.byServiceExact).filter(([, v]) => v > 0);
new Chart(document.getElementById('by-service'), {
  type: 'doughnut',
  data: {
    labels: services.map(([s]) => s),
    datasets: [{ data: services.map(([, v]) => v), backgroundColor: palette }],
  },
  options: { plugins: { tooltip: { callbacks: { label: (c) => c.label + ': ' + usd(c.parsed) } } } },
});
new Chart(document.getElementById('top-scopes'), {
  type: 'bar',
  data: {
    labels: data.topScopes.map((s) => s.key),
    datasets: [{
      label: 'USD', data: data.topScopes.map((s) => s.exactUsd),
      backgroundColor: data.topScopes.map((s) => (s.kind === 'campaign' ? palette[3] : palette[0])),
    }],
  },
  options: { indexAxis: 'y', plugins: { legend: { display: false },
    tooltip: { callbacks: { label: (c) => usd(c.parsed.x) } } } },
});
new Chart(document.getElementById('forecast'), {
  type: 'line',
  data: {
    labels: data.forecast.monthDays,
    datasets: [
      { label: 'cost to date', data: data.forecast.actual, borderColor: palette[0], backgroundColor: palette[0] },
      { label: 'forecast (trailing 7-day average)', data: data.forecast.projected, borderColor: palette[1],
        backgroundColor: palette[1], borderDash: [6, 4], pointRadius: 0 },
    ],
  },
  options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'USD, cumulative' } } } },
});
`;

const rowsTable = (title: string, rows: readonly (readonly string[])[]) =>
  rows.length === 0
    ? ''
    : `<table><caption>${escapeHtml(title)}</caption>${rows
        .map(
          (r) =>
            `<tr>${r.map((cell, i) => `<td${i ? ' class="n"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
        )
        .join('')}</table>`;

/**
 * The HTML report of `herald costs --html`: one file that works offline, with Chart.js inlined
 * (`chartJs`, the UMD build: `readChartJs`). Its charts: cost per million delivered over days per
 * business, the split by AWS service, the top recipes and campaigns, and the month-end forecast.
 */
export const costReportHtml = (data: CostReportData, chartJs: string): string => {
  const perMillion =
    data.perMillionDeliveredUsd === null ? '-' : `$${data.perMillionDeliveredUsd.toFixed(2)}`;
  const overheadRows = Object.entries(data.overhead).map(([line, usd]) => [line, `$${usd.toFixed(2)}`]);
  const f = data.forecast;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(data.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; }
.figures { display: flex; gap: 32px; margin-bottom: 16px; }
.figures b { display: block; font-size: 22px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 24px; }
.chart { height: 300px; position: relative; }
table { border-collapse: collapse; margin-top: 16px; }
caption { text-align: left; font-weight: 600; }
td { padding: 2px 12px 2px 0; } td.n { text-align: right; }
</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<div class="figures">
<div>total<b>$${data.totalUsd.toFixed(2)}</b></div>
<div>pushes delivered<b>${data.delivered.toLocaleString('en-US')}</b></div>
<div>per million delivered<b>${perMillion}</b></div>
<div>month-end forecast (${escapeHtml(f.asOf.slice(0, 7))})<b>$${f.forecastUsd.toFixed(2)}</b></div>
</div>
<p>Prices: ${escapeHtml(data.pricing)}.</p>
<div class="grid">
<section><h2>Cost per million delivered, by business</h2><div class="chart"><canvas id="per-million-by-business"></canvas></div></section>
<section><h2>By AWS service</h2><div class="chart"><canvas id="by-service"></canvas></div></section>
<section><h2>Top recipes and campaigns</h2><div class="chart"><canvas id="top-scopes"></canvas></div></section>
<section><h2>Month-end forecast</h2><div class="chart"><canvas id="forecast"></canvas></div>
<p>$${f.monthToDateUsd.toFixed(2)} to ${escapeHtml(f.asOf)}, then $${f.dailyAverageUsd.toFixed(2)} a day (the trailing seven days' average) for ${f.daysLeft} more days.</p></section>
</div>
${rowsTable('Overhead lines (work of no single message)', overheadRows)}
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>${drawCharts}</script>
</body>
</html>
`;
};
