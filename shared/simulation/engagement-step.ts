import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbMessageLogReader } from '../adapters/message-log/duckdb-queries.ts';
import type { MessageRecord } from '../domain/engagement/message-log.ts';
import type { Recipe } from '../domain/recipes/recipe.ts';
import type { ManualClock } from '../local/manual-clock.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { engagedDeliveries, type HeldOutRecipient, playUsers, type SimulatedOpen } from './engagement.ts';
import {
  buildExperimentsReport,
  buildTraces,
  type ExperimentReport,
  type TraceStep,
} from './experiments-report.ts';
import type { Scenario } from './scenario.ts';

/** Every record the run's message log holds: a simulation's log is small, and read once at its end. */
const recordsOf = async (dataDir: string): Promise<MessageRecord[]> => {
  const root = join(dataDir, 'messages');
  const days = await readdir(root).catch(() => [] as string[]);
  const records: MessageRecord[] = [];
  for (const day of days)
    for (const file of await readdir(join(root, day)))
      for (const line of (await readFile(join(root, day, file), 'utf8')).split('\n'))
        if (line) records.push(JSON.parse(line) as MessageRecord);
  return records;
};

/** Recipients an experiment's holdout kept from a message: they convert (or not) all the same. */
const holdoutsOf = (records: readonly MessageRecord[]): HeldOutRecipient[] =>
  records
    .filter((r) => r.step === 'suppressed' && r.reason === 'holdout')
    .map((r) => ({
      userId: r.userId,
      recipe: r.scope,
      variant: r.variant,
      eventId: r.eventId,
      time: r.time,
    }));

export interface EngagementResult {
  readonly opens: readonly SimulatedOpen[];
  readonly experiments?: Record<string, ExperimentReport>;
  readonly traces?: Record<string, TraceStep[]>;
}

/**
 * After the events: the simulator plays the users (opens through the real receipt endpoint with
 * the tokens their pushes carry, conversions through the bus), then the report reads what the
 * business would: experiments from the outcome counters and the message log, traces from the log.
 */
export const playAndRead = async (
  scenario: Scenario,
  recipes: readonly Recipe[],
  runtime: LocalRuntime,
  clock: ManualClock,
  eventLabels: ReadonlyMap<string, string> = new Map(),
): Promise<EngagementResult> => {
  let opens: readonly SimulatedOpen[] = [];
  if (scenario.engagement) {
    // Draws key on the scenario's event index, not the id the bus made up: the same run, the same users open.
    const stable = <T extends { eventId: string }>(item: T): T => ({
      ...item,
      eventId: eventLabels.get(item.eventId) ?? item.eventId,
    });
    const deliveries = engagedDeliveries(runtime.simulator.received).map(stable);
    const played = await playUsers(deliveries, scenario.engagement, {
      receiptEndpoint: runtime.receiptEndpoint,
      publish: (event) => {
        runtime.bus.putEvents([
          {
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Time: event.time,
          },
        ]);
      },
      clock,
      recipes,
      holdouts: holdoutsOf(await recordsOf(runtime.dataDir)).map(stable),
    });
    await runtime.drain();
    opens = played.opens;
  }
  const experimental = recipes.some((r) => r.variants);
  if (!experimental && !scenario.trace) return { opens };
  const records = await recordsOf(runtime.dataDir);
  return {
    opens,
    ...(experimental
      ? {
          experiments: buildExperimentsReport({
            recipes,
            summaries: await runtime.ports.outcomes.variantSummary(),
            conversions: await conversionsOf(scenario, recipes, runtime, clock),
          }),
        }
      : {}),
    ...(scenario.trace ? { traces: buildTraces(records, scenario.trace) } : {}),
  };
};

/** Conversions per recipe and variant, attributed by the message log's stats query. */
const conversionsOf = async (
  scenario: Scenario,
  recipes: readonly Recipe[],
  runtime: LocalRuntime,
  clock: ManualClock,
): Promise<Record<string, Record<string, number>>> => {
  const reader = new DuckDbMessageLogReader(runtime.dataDir);
  try {
    const rows = await reader.stats({
      from: scenario.start,
      to: new Date(clock.now().getTime() + 86_400_000).toISOString(),
      conversionWindows: Object.fromEntries(
        recipes.flatMap((r) => (r.conversion ? [[r.id, r.conversion.windowHours]] : [])),
      ),
    });
    const conversions: Record<string, Record<string, number>> = {};
    for (const row of rows)
      conversions[row.scope] = { ...conversions[row.scope], [row.variant]: row.converted };
    return conversions;
  } finally {
    await reader.close();
  }
};
