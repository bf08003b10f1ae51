import { writeFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCostLedger } from '../adapters/dynamodb/cost-ledger.ts';
import { buildCostReport, type CostDimension, type CostRow, costRows } from '../domain/costs/cost-report.ts';
import type { PricingOptions } from '../domain/costs/price-table.ts';
import type { CostRecords, DayRange } from '../domain/costs/usage-counters.ts';
import { localCredentials, localRegion } from '../local/engines.ts';
import { costReportData, costReportHtml, readChartJs } from './cost-report-html.ts';
import { readRuntimeFile } from './runtime-file.ts';

export interface CostsOptions extends DayRange {
  readonly by: CostDimension;
  readonly csv?: boolean;
  /** Writes the HTML report (offline, charts inlined) to this file. */
  readonly html?: string;
  readonly aws?: boolean;
  /** The outcomes table; on the local runtime read from `.herald/runtime.json` when absent. */
  readonly outcomesTable?: string;
  readonly dynamodbEndpoint?: string;
  readonly pricing: PricingOptions;
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const perMillion = (n: number | null) => (n === null ? '-' : `$${n.toFixed(2)}`);
const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The rows as a terminal table: cost, pushes delivered, cost per million delivered, share. */
export const costTable = (
  rows: readonly CostRow[],
  by: CostDimension,
  totalUsd: number,
  /** The total's cost per million delivered, unrounded; from the rounded total when absent. */
  totalPerMillionUsd?: number | null,
): string => {
  const header = [by, 'cost', 'delivered', 'per million', 'share'];
  const body = rows.map((r) => [
    r.key,
    usd(r.usd),
    r.delivered.toLocaleString('en-US'),
    perMillion(r.perMillionDeliveredUsd),
    `${(r.share * 100).toFixed(1)}%`,
  ]);
  const delivered = by === 'service' ? (rows[0]?.delivered ?? 0) : rows.reduce((n, r) => n + r.delivered, 0);
  const footer = [
    'total',
    usd(totalUsd),
    delivered.toLocaleString('en-US'),
    perMillion(
      totalPerMillionUsd !== undefined
        ? totalPerMillionUsd
        : delivered > 0
          ? Math.round((totalUsd / delivered) * 1e8) / 100
          : null,
    ),
    '100.0%',
  ];
  const all = [header, ...body, footer];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line), rule, line(footer)].join('\n');
};

/** The rows as CSV, for spreadsheets. */
export const costCsv = (rows: readonly CostRow[], by: CostDimension): string =>
  [
    [by, 'usd', 'delivered', 'per_million_delivered_usd', 'share'].join(','),
    ...rows.map((r) =>
      [
        csvCell(r.key),
        r.usd.toFixed(2),
        r.delivered,
        r.perMillionDeliveredUsd ?? '',
        r.share.toFixed(4),
      ].join(','),
    ),
  ].join('\n');

const readRecords = async (options: CostsOptions): Promise<CostRecords> => {
  let table = options.outcomesTable;
  let endpoint = options.dynamodbEndpoint;
  if (!options.aws) {
    const running = await readRuntimeFile();
    table ??= running?.tables.Outcomes;
    endpoint ??= running?.dynamodbEndpoint;
    if (!table || !endpoint)
      throw new Error(
        'no local runtime found: run `herald costs` where `herald start` runs (it writes .herald/runtime.json), or give --dynamodb-endpoint and --outcomes-table',
      );
  } else if (!table) {
    throw new Error(
      '--aws needs --outcomes-table (the stack output OutcomesTableName) or HERALD_OUTCOMES_TABLE',
    );
  }
  const client = new DynamoDBClient(
    options.aws ? {} : { endpoint, region: localRegion, credentials: localCredentials },
  );
  try {
    return await new DynamoDbCostLedger(DynamoDBDocumentClient.from(client), table).records(options);
  } catch (error) {
    // DynamoDB Local keeps its tables in memory: a stopped runtime took the costs with it.
    if (!options.aws && (error as { code?: string }).code === 'ECONNREFUSED')
      throw new Error(
        `the local runtime at ${endpoint} is not answering: costs are read while \`herald start\` runs (its tables live in memory)`,
      );
    throw error;
  } finally {
    client.destroy();
  }
};

/** `herald costs`: the cost report of the local runtime or of the deployed tables. */
export const runCostsCommand = async (options: CostsOptions): Promise<number> => {
  let records: CostRecords;
  try {
    records = await readRecords(options);
  } catch (error) {
    console.error(`herald costs: ${(error as Error).message}`);
    return 1;
  }
  if (options.html) {
    const html = costReportHtml(costReportData(records, options.pricing, options.to), await readChartJs());
    await writeFile(options.html, html);
    console.log(`herald costs: report written to ${options.html}`);
    return 0;
  }
  const report = buildCostReport(records, options.pricing);
  const rows = costRows(records, options.by, options.pricing);
  if (options.csv) {
    console.log(costCsv(rows, options.by));
    return 0;
  }
  console.log(
    costTable(
      rows,
      options.by,
      rows.reduce((n, r) => n + r.usd, 0),
      report.perMillionDeliveredUsd,
    ),
  );
  console.log(
    `\nPrices: ${report.pricing.region}, DynamoDB ${report.pricing.capacity}; free tiers ignored (every unit priced as billed).`,
  );
  return 0;
};
