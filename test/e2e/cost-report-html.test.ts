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

interface ChartState {
  readonly id: string;
  /** Chart.js holds a chart for the canvas. */
  readonly chart: boolean;
  /** Pixels of the canvas that are not transparent. */
  readonly drawn: number;
}

/** Runs in the page (whose DOM types this project does not compile against): each chart's state. */
const inspectCharts = `${JSON.stringify(costReportCharts)}.map((id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
  return { id, chart: typeof Chart !== 'undefined' && Chart.getChart(canvas) !== undefined, drawn };
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

  it('renders offline: every chart draws, and a screenshot is taken', async () => {
    // prepare
    const file = join(dir, 'costs.html');
    await writeFile(file, costReportHtml(costReportData(records()), await readChartJs()));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // act
    await page.goto(`file://${file}`);
    const charts = await page.evaluate<ChartState[]>(inspectCharts);
    const screenshot = join(dir, 'costs.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    // assess
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    for (const chart of charts) {
      expect(chart, chart.id).toMatchObject({ chart: true });
      expect(chart.drawn, `${chart.id} drew no pixel`).toBeGreaterThan(500);
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
    expect(data.forecast.actual[20]).toBe(data.forecast.monthToDateUsd);
    expect(data.forecast.projected[29]).toBe(data.forecast.forecastUsd);
    expect(data.forecast.daysLeft).toBe(9);
  });
});
