/**
 * `npm run bench`: every benchmark, printed as a table, or as one JSON object with `--json`.
 * Figures, not assertions: the budgets they are read against are in the README.
 */

// Set before any Herald module loads, hence the dynamic imports below. The handlers' middleware
// (Powertools' injectLambdaContext) puts the logger back to its initial level, read from the
// environment when it is made, at every warm invocation: a later `setLogLevel` does not hold.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// EmfMetrics (shared/observability/metrics.ts) hands Powertools up to 100 values of a metric at
// once, and Powertools publishes its store to stdout by itself at the 100th: a delivery window's
// PublishLatencyMs would land on stdout, in the middle of `--json`. The benchmarks' metrics go to
// sinks of their own (serialised, not published), so Powertools' publishing is turned off.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const { logger } = await import('../shared/observability/logger.ts');
// Whatever the level, stdout is the report's.
logger.writeToStderr();
const { benchBus } = await import('./bus.bench.ts');
const { benchCampaignRun } = await import('./campaign.bench.ts');
const { benchCampaignMemory } = await import('./campaign-memory.bench.ts');
const { benchDelivery } = await import('./delivery.bench.ts');
const { benchFanoutCore } = await import('./fanout-core.bench.ts');
const { benchMemory } = await import('./memory.bench.ts');
const { benchPipeline } = await import('./pipeline.bench.ts');

const { benchRealisticMix } = await import('./realistic-mix.bench.ts');
const { sayRealisticMix } = await import('./realistic-report.ts');
const { sayCampaign } = await import('./campaign-report.ts');

const json = process.argv.includes('--json');
/** `--quick`: the realistic mix at 3,000 users and a campaign over 3,000, for development. */
const quick = process.argv.includes('--quick');
/**
 * The campaign's segment on DynamoDB Local: a million users; `--quick` 3,000; `--campaign-audience
 * <n>` any size. (The campaign reader's memory is measured at 10k, 100k and 1M users whatever the
 * flags: it runs on generated Scan pages, in seconds.)
 */
const sizeFlag = process.argv.indexOf('--campaign-audience');
const campaignAudience = sizeFlag > 0 ? Number(process.argv[sizeFlag + 1]) : quick ? 3_000 : 1_000_000;
if (!(Number.isInteger(campaignAudience) && campaignAudience > 0))
  throw new Error(`--campaign-audience: expected a whole number of users, got ${process.argv[sizeFlag + 1]}`);
const say = (line = '') => {
  if (!json) console.log(line);
};
// Progress goes to stderr so that `--json` output stays one clean object.
const progress = (what: string) => console.error(`bench: ${what}...`);
const n = (value: number) => Math.round(value).toLocaleString('en-US');

/** The campaign over a segment, and one reader's memory at 10k, 100k and 1M users. */
const runCampaignBench = async (audience: number) => {
  progress(
    `campaign over ${n(audience)} segment users on DynamoDB Local and fauxqs (loading them takes a while)`,
  );
  const campaign = await benchCampaignRun({ audience });
  progress('campaign reader memory (10k, 100k, 1M segment users, one process each)');
  const campaignMemory = await benchCampaignMemory();
  sayCampaign(campaign, campaignMemory, say);
  return { campaign, campaignMemory };
};

if (quick) {
  progress('realistic mix, quick (3,000 users)');
  const realisticMix = await benchRealisticMix({ quick: true });
  sayRealisticMix(realisticMix, say);
  const { campaign, campaignMemory } = await runCampaignBench(campaignAudience);
  if (json) console.log(JSON.stringify({ realisticMix, campaign, campaignMemory }, null, 2));
  process.exit(0);
}

progress('fan-out core (200,000 recipients, in process)');
const core = await benchFanoutCore();
say('Fan-out core, in process, one core (target: 200k/s shared template, 50k/s personalised)');
say(`  shared template   ${n(core.sharedTemplate.recipientsPerSec).padStart(10)} recipients/s`);
say(`  personalised      ${n(core.personalised.recipientsPerSec).padStart(10)} recipients/s`);
say(
  `  baseline loop     ${n(core.baselineRecipientsPerSec).padStart(10)} recipients/s (read + serialise only)`,
);
say(`  ratio             ${core.ratio.toFixed(3).padStart(10)}`);

progress('memory (10k, 100k, 1M recipients, one process each)');
const memory = await benchMemory();
say('\nPeak memory of one fan-out slice (target: flat)');
for (const m of memory)
  say(
    `  ${n(m.audience).padStart(9)} recipients  peak RSS ${m.peakRssMb.toFixed(1).padStart(6)} MB  heap after GC ${m.heapAfterGcMb.toFixed(1)} MB`,
  );

progress('local bus (10, 100, 1000 rules)');
const bus = await benchBus();
say('\nLocal bus: events/s through the rule index (parse, envelope check, match)');
for (const row of bus)
  say(`  ${String(row.rules).padStart(5)} rules  ${n(row.eventsPerSec).padStart(10)} events/s`);

progress(
  'pipeline on DynamoDB Local and fauxqs (20,000 recipients, then 6,000 at night; loading takes a minute or two)',
);
const pipeline = await benchPipeline();
say('\nPipeline on DynamoDB Local + fauxqs (targets: at most 2.2 requests and $1.40 per million pushes)');
say(`  audience ${n(pipeline.audience)}, delivered ${n(pipeline.delivered)} in ${pipeline.seconds} s`);
say(`  billable requests per delivered push  ${pipeline.requestsPerDeliveredPush}`);
say(`  cost per million delivered pushes     $${pipeline.costPerMillionUsd.toFixed(4)}`);
for (const [service, usd] of Object.entries(pipeline.costPerMillionByService))
  say(`    ${service.padEnd(12)} $${usd.toFixed(4)}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
say(`  fatigue writes per recipient          ${pipeline.fatigueWritesPerRecipient}`);
say(
  `  largest checkpoint (target: a few KB, under 16 KB)  fan-out ${kb(pipeline.largestCheckpointBytes.fanout)}, delivery ${kb(pipeline.largestCheckpointBytes.delivery)}`,
);
say(`  largest outbox item                   ${kb(pipeline.largestOutboxItemBytes)}`);
say('  request mix:');
for (const [request, count] of Object.entries(pipeline.requestMix).sort((a, b) => b[1] - a[1]))
  say(`    ${request.padEnd(28)} ${n(count)}`);

/** The message log of a phase: Firehose requests and records, bytes, and cost per million pushes. */
const sayMessageLog = (log: typeof pipeline.messageLog) => {
  const cost = log.costPerMillionUsd;
  const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  say('  message log (Firehose on AWS; target: under 0.01 requests per push)');
  say(`    requests per delivered push         ${log.requestsPerDeliveredPush}`);
  say(`    message records per delivered push  ${log.recordsPerDeliveredPush}`);
  say(
    `    Firehose records ${n(log.firehoseRecords)}, mean ${kb(log.meanRecordBytes)}, largest ${kb(log.largestRecordBytes)}; billed/actual bytes ${log.billedOverActualBytes}; GZIP ratio ${log.gzipRatio}`,
  );
  say(
    `    per million pushes: ${mb(log.perMillion.bytes)} NDJSON, ${mb(log.perMillion.gzipBytes)} GZIP, ${log.perMillion.s3Objects} S3 objects`,
  );
  say(`    cost per million delivered pushes   $${cost.total.toFixed(4)}`);
  say(`      firehose                   $${cost.firehose.toFixed(4)}`);
  say(
    `      s3 (storage a month + PUTs) $${cost.s3.toFixed(4)} ($${cost.s3StoragePerMonth.toFixed(4)} + $${cost.s3Puts.toFixed(5)})`,
  );
  say(`      one Athena trace (a day)   $${cost.athenaTraceQuery.toFixed(5)}`);
};
sayMessageLog(pipeline.messageLog);

const night = pipeline.nightPersonalised;
say(
  `\nPersonalised push at night: ${n(night.audience)} followers in ${night.zones} zones, ${night.heldJobs} held jobs, ${night.releaseInstants} release instants`,
);
say(`  delivered ${n(night.delivered)} in ${night.seconds} s`);
say(`  billable requests per delivered push  ${night.requestsPerDeliveredPush}`);
say(`  cost per million delivered pushes     $${night.costPerMillionUsd.toFixed(4)}`);
say(`  fatigue writes per recipient          ${night.fatigueWritesPerRecipient}`);
say(
  `  largest checkpoint (target: a few KB, under 16 KB)  fan-out ${kb(night.largestCheckpointBytes.fanout)}, delivery ${kb(night.largestCheckpointBytes.delivery)}`,
);
say(`  largest outbox item                   ${kb(night.largestOutboxItemBytes)}`);
sayMessageLog(night.messageLog);

progress('delivery worker on DynamoDB Local and fauxqs');
const delivery = await benchDelivery();
say('\nDelivery worker alone (jobs of 500 recipients, 1.5 devices each)');
say(`  SNS publishes per delivered push       ${delivery.snsPublishesPerDeliveredPush.toFixed(4)}`);
say(`  SQS requests per delivered push        ${delivery.sqsRequestsPerDeliveredPush.toFixed(4)}`);
say(`  DynamoDB requests per delivered push   ${delivery.dynamodbRequestsPerDeliveredPush.toFixed(4)}`);

progress('realistic mix (200,000 users; loading and the run take a long while)');
const realisticMix = await benchRealisticMix();
sayRealisticMix(realisticMix, say);

const { campaign, campaignMemory } = await runCampaignBench(campaignAudience);

if (json) {
  console.log(
    JSON.stringify(
      {
        core: {
          sharedTemplate: core.sharedTemplate,
          personalised: core.personalised,
          baselineRecipientsPerSec: core.baselineRecipientsPerSec,
          ratio: core.ratio,
          audience: core.audience,
        },
        pipeline,
        realisticMix,
        delivery,
        memory: {
          peakRssMb: Object.fromEntries(memory.map((m) => [String(m.audience), m.peakRssMb])),
          heapAfterGcMb: Object.fromEntries(memory.map((m) => [String(m.audience), m.heapAfterGcMb])),
        },
        campaign: {
          ...campaign,
          memory: {
            peakRssMb: Object.fromEntries(campaignMemory.map((m) => [String(m.audience), m.peakRssMb])),
            heapAfterGcMb: Object.fromEntries(
              campaignMemory.map((m) => [String(m.audience), m.heapAfterGcMb]),
            ),
            pacedJobs: Object.fromEntries(campaignMemory.map((m) => [String(m.audience), m.jobs])),
          },
        },
        bus: {
          eventsPerSec: Object.fromEntries(
            bus.map((row) => [String(row.rules), Math.round(row.eventsPerSec)]),
          ),
        },
      },
      null,
      2,
    ),
  );
}
