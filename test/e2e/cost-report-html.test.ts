import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  costReportCharts,
  costReportData,
  costReportHtml,
  readChartJs,
} from '../../shared/cli/cost-report-html.ts';
import { emptyUsage, type Usage } from '../../shared/domain/costs/price-table.ts';
import type { CostRecords, DeliveredCount, UsageCounter } from '../../shared/domain/costs/usage-counters.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
// On a laptop without Debian's chromium the test is skipped; in CI it must run (.ci/run installs it).
const skip = !haveChromium && !process.env.CI;
if (skip) console.warn(`cost-report-html: skipped, ${CHROMIUM} is missing (apt-get install chromium)`);

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}`;

/** Ten days of two businesses, a campaign and an overhead line. */
const records = (): CostRecords => {
  const counters: UsageCounter[] = [];
  const delivered: DeliveredCount[] = [];
  for (let d = 12; d <= 21; d++) {
    const scope = (name: string, business: string, pushes: number) => {
      counters.push({
        kind: 'scope',
        name,
        business,
        variant: 'A',
        day: day(d),
        usage: usage({ snsPublishes: pushes, sqsRequests: pushes / 50, dynamodbWriteUnits: pushes * 2 }),
      });
      delivered.push({ scope: name, day: day(d), variant: 'A', count: pushes });
    };
    scope('new-item', 'marketplace', 40_000 + d * 1_000);
    scope('price-drop', 'marketplace', 12_000);
    scope('lottery-draw', 'games', 25_000 - d * 500);
    scope('campaign:black-friday', 'marketplace', d >= 18 ? 90_000 : 0);
    counters.push({
      kind: 'overhead',
      name: 'device-registration',
      business: 'overhead',
      variant: '',
      day: day(d),
      usage: usage({ lambdaInvocations: 5_000, dynamodbWriteUnits: 5_000 }),
    });
  }
  return { usage: counters, delivered };
};

/** A demo-sized run: one day, a few dozen pushes, every line a fraction of a cent. */
const tinyRecords = (): CostRecords => {
  const counters: UsageCounter[] = [];
  const delivered: DeliveredCount[] = [];
  const scope = (name: string, business: string, pushes: number) => {
    counters.push({
      kind: 'scope',
      name,
      business,
      variant: 'A',
      day: day(21),
      usage: usage({
        snsPublishes: pushes,
        sqsRequests: 2,
        dynamodbWriteUnits: pushes * 2,
        dynamodbReadUnits: 3,
        lambdaInvocations: 2,
        lambdaGbSeconds: 0.05,
        eventBridgeEvents: 1,
      }),
    });
    delivered.push({ scope: name, day: day(21), variant: 'A', count: pushes });
  };
  scope('new-item', 'marketplace', 12);
  scope('lottery-draw', 'games', 5);
  scope('campaign:welcome', 'marketplace', 3);
  counters.push({
    kind: 'overhead',
    name: 'device-registration',
    business: 'overhead',
    variant: '',
    day: day(21),
    usage: usage({ lambdaInvocations: 4, dynamodbWriteUnits: 4 }),
  });
  return { usage: counters, delivered };
};

interface ChartState {
  readonly id: string;
  /** Chart.js holds a chart for the canvas. */
  readonly chart: boolean;
  /** Pixels of the canvas that are not transparent. */
  readonly drawn: number;
  /**
   * The largest extent, in pixels, of a plotted element away from zero: a bar's length, a slice's
   * arc, a point's height above the zero line. Axes and legends draw pixels even when every value
   * is zero; this does not.
   */
  readonly extent: number;
}

/** Runs in the page (whose DOM types this project does not compile against): each chart's state. */
const inspectCharts = `${JSON.stringify(costReportCharts)}.map((id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
  const chart = typeof Chart === 'undefined' ? undefined : Chart.getChart(canvas);
  let extent = 0;
  if (chart)
    chart.data.datasets.forEach((_, i) => {
      for (const el of chart.getDatasetMeta(i).data) {
        const p = el.getProps(['x', 'y', 'base', 'startAngle', 'endAngle', 'outerRadius'], true);
        const size =
          p.endAngle !== undefined ? (p.endAngle - p.startAngle) * p.outerRadius
          : p.base !== undefined ? Math.abs(p.x - p.base)
          : Math.abs(p.y - chart.scales.y.getPixelForValue(0));
        if (Number.isFinite(size)) extent = Math.max(extent, size);
      }
    });
  return { id, chart: chart !== undefined, drawn, extent };
})`;

describe.skipIf(skip)('herald costs --html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-cost-report-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the report of `data` offline; its charts' states, the page's errors and other requests. */
  const render = async (name: string, data: CostRecords) => {
    const file = join(dir, `${name}.html`);
    await writeFile(file, costReportHtml(costReportData(data), await readChartJs()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${file}`);
    const charts = await page.evaluate<ChartState[]>(inspectCharts);
    const screenshot = join(dir, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return { charts, errors, requests, screenshot };
  };

  it('renders offline: every chart draws, and a screenshot is taken', async () => {
    // act
    const { charts, errors, requests, screenshot } = await render('costs', records());

    // assess
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    for (const chart of charts) {
      expect(chart, chart.id).toMatchObject({ chart: true });
      expect(chart.drawn, `${chart.id} drew no pixel`).toBeGreaterThan(500);
      expect(chart.extent, `${chart.id} plotted nothing`).toBeGreaterThan(5);
    }
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
  });

  it('draws every chart of a demo-sized run, whose costs all round to $0.00', async () => {
    // prepare
    const data = costReportData(tinyRecords());
    expect(data.totalUsd).toBe(0);
    expect(Object.values(data.byService).every((usd) => usd === 0)).toBe(true);

    // act
    const { charts, errors, screenshot } = await render('tiny', tinyRecords());

    // assess
    expect(errors).toEqual([]);
    for (const chart of charts) {
      expect(chart, chart.id).toMatchObject({ chart: true });
      expect(chart.extent, `${chart.id} plotted nothing`).toBeGreaterThan(5);
    }
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000);
  });
});

describe('costReportData', () => {
  it('has a cost per million for each business and day, and a forecast to the month end', () => {
    // act
    const data = costReportData(records());

    // assess
    expect(data.days).toHaveLength(10);
    expect(Object.keys(data.perMillionByBusiness)).toEqual(['games', 'marketplace']);
    expect(data.perMillionByBusiness.games!.every((v) => v !== null && v > 0)).toBe(true);
    expect(data.topScopes[0]).toMatchObject({ key: 'new-item', kind: 'recipe' });
    expect(data.topScopes.map((s) => s.key)).toContain('campaign:black-friday');
    expect(data.forecast.monthDays).toHaveLength(30);
    expect(data.forecast.actual[20]).toBeCloseTo(data.forecast.monthToDateUsd, 2);
    expect(data.forecast.projected[29]).toBeCloseTo(data.forecast.forecastUsd, 2);
    expect(data.forecast.daysLeft).toBe(9);
  });
});

describe('costReportData of a demo-sized run', () => {
  it('keeps the figures shown as text rounded and plots the unrounded costs', () => {
    // act
    const data = costReportData(tinyRecords());

    // assess
    expect(data.topScopes.map((s) => s.key)).toEqual(['new-item', 'lottery-draw', 'campaign:welcome']);
    expect(data.topScopes.every((s) => s.usd === 0 && s.exactUsd > 0)).toBe(true);
    expect(data.byServiceExact.sns).toBeCloseTo(20 * 0.5e-6, 12);
    expect(data.forecast.actual[20]).toBeGreaterThan(0);
    expect(data.forecast.projected[29]).toBeGreaterThan(data.forecast.actual[20]!);
    expect(data.forecast.forecastUsd).toBe(Math.round(data.forecast.projected[29]! * 100) / 100);
  });
});
