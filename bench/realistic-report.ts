import type { RealisticMixResult } from './realistic-mix.bench.ts';

/** The targets of issue #15, printed beside the realistic mix's figures. */
export const realisticTargets = {
  requestsPerDeliveredPush: 2.2,
  costPerMillionOnDemandUsd: 1.25,
  costPerMillionProvisionedLedgerUsd: 0.9,
  largestCheckpointBytes: 16 * 1024,
  fatigueWriteUnitsPerRecipient: 1.05,
  latency1kP99Ms: 2000,
  importRelationsPerSecond: 5000,
} as const;

/** Prints the realistic mix as a table, each figure beside its target. */
export const sayRealisticMix = (mix: RealisticMixResult, say: (line?: string) => void) => {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const t = realisticTargets;
  const row = (label: string, figure: string, target: string) =>
    say(`  ${label.padEnd(44)} ${figure.padStart(12)}   target ${target}`);
  const p = mix.population;
  say(
    `\nRealistic mix on DynamoDB Local + fauxqs: ${n(p.users)} users in 24 zones, ${n(p.devices)} phones (${n(p.disabledEndpoints)} disabled), hot seller over 16 shards`,
  );
  say(
    `  planned ${n(mix.planned)}, delivered ${n(mix.deliveredRecipients)} recipients / ${n(mix.deliveredPushes)} pushes in ${mix.seconds} s (load ${mix.load.seconds} s)`,
  );
  if (p.users < 100_000)
    say(
      '  (a small run: slices of a page or two and a DynamoDB Local JVM still cold; the targets are judged on the full mix)',
    );
  row(
    'billable requests per delivered push',
    String(mix.requestsPerDeliveredPush),
    `<= ${t.requestsPerDeliveredPush}`,
  );
  row(
    '  without the one-off relation moves',
    String(mix.requestsPerDeliveredPushWithoutMoves),
    `<= ${t.requestsPerDeliveredPush}`,
  );
  const cost = mix.costPerMillionUsd;
  row(
    'cost per million pushes, on demand',
    `$${cost.onDemand.toFixed(4)}`,
    `<= $${t.costPerMillionOnDemandUsd}`,
  );
  row(
    `  Ledger provisioned at ${cost.provisionedUtilisation * 100}% utilisation`,
    `$${cost.provisionedLedger.toFixed(4)}`,
    `<= $${t.costPerMillionProvisionedLedgerUsd}`,
  );
  row(
    'cost without the one-off moves, on demand',
    `$${cost.withoutMoves.onDemand.toFixed(4)}`,
    `<= $${t.costPerMillionOnDemandUsd}`,
  );
  row(
    '  Ledger provisioned',
    `$${cost.withoutMoves.provisionedLedger.toFixed(4)}`,
    `<= $${t.costPerMillionProvisionedLedgerUsd}`,
  );
  say(
    `  floor of this mix (its SNS publishes and one fatigue write per recipient alone): $${cost.floor.onDemand.toFixed(4)} on demand, $${cost.floor.provisionedLedger.toFixed(4)} provisioned Ledger`,
  );
  for (const [service, usd] of Object.entries(cost.onDemandByService))
    say(
      `    ${service.padEnd(12)} $${usd.toFixed(4)} on demand, $${cost.provisionedLedgerByService[service]!.toFixed(4)} provisioned Ledger`,
    );
  say(
    `  Ledger write units per push, by kind of item: ${Object.entries(mix.ledgerWriteUnitsPerDeliveredPush)
      .map(([kind, units]) => `${kind} ${units}`)
      .join(', ')}`,
  );
  const f = mix.fatigue;
  row(
    'fatigue write units per recipient (by item size)',
    String(f.writeUnitsPerRecipient),
    `<= ${t.fatigueWriteUnitsPerRecipient}`,
  );
  say(
    `    items: p50 ${f.items.p50Bytes} B, p90 ${f.items.p90Bytes} B, p99 ${f.items.p99Bytes} B, max ${f.items.maxBytes} B; over 1 KB ${(f.items.over1KbShare * 100).toFixed(1)}%; heavy users max ${f.items.heavyUsers.maxBytes} B`,
  );
  const largest = Math.max(mix.largestCheckpointBytes.fanout, mix.largestCheckpointBytes.delivery);
  row('largest checkpoint', `${(largest / 1024).toFixed(2)} KB`, '< 16 KB');
  say(
    `  held jobs ${n(mix.held.jobs)}, ${mix.held.recipientsPerJob} recipients each, ${mix.held.releaseInstants} release instants`,
  );
  const r = mix.rebalancing;
  say(
    `  rebalancing: ${n(r.movedAccounts)} accounts moved in ${r.seconds} s, ${r.readUnitsPerMovedAccount} read + ${r.writeUnitsPerMovedAccount} write units each, $${r.usdPerMillionMoved} per million moved`,
  );
  row('event-to-push p99, 1k audience', `${mix.latency.audience1k.p99Ms} ms`, `< ${t.latency1kP99Ms} ms`);
  say(`    p50 ${mix.latency.audience1k.p50Ms} ms`);
  const big = mix.latency.audience100k;
  if (typeof big === 'object')
    say(`  event-to-push, 100k audience: p50 ${big.p50Ms} ms, p99 ${big.p99Ms} ms`);
  row(
    'bulk import (relations per second)',
    n(mix.load.relationsPerSecond),
    `>= ${n(t.importRelationsPerSecond)}`,
  );
  say(
    `  peak RSS of the benchmark process        ${mix.peakRssMb} MB (the memory benchmark measures one slice)`,
  );
};
