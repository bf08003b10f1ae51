import type { CampaignBenchResult } from './campaign.bench.ts';
import type { CampaignMemoryResult } from './campaign-memory.bench.ts';

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/** Prints the campaign benchmark's figures beside their targets. */
export const sayCampaign = (
  campaign: CampaignBenchResult,
  campaignMemory: readonly CampaignMemoryResult[],
  say: (line?: string) => void,
): void => {
  say(
    `\nCampaign over ${n(campaign.audience)} segment users at ${n(campaign.rate)} pushes/s, ${campaign.readers} readers (DynamoDB Local + fauxqs)`,
  );
  say(
    `  load (BatchWriteItem, parallel)        ${n(campaign.load.usersPerSec).padStart(10)} users/s (${campaign.load.seconds} s)`,
  );
  say(
    `  audience read (parallel Scan)          ${n(campaign.audienceRead.usersPerSec).padStart(10)} users/s (${campaign.audienceRead.seconds} s, ${campaign.audienceRead.readUnitsPer1000Users} read units per 1,000 users)`,
  );
  say(
    `  reading + planning (readers)           ${n(campaign.readingAndPlanning.usersPerSec).padStart(10)} users/s (${campaign.readingAndPlanning.seconds} s)`,
  );
  say(
    `  delivery (holds released on a clock)   ${n(campaign.delivery.pushesPerSec).padStart(10)} pushes/s (${campaign.delivery.seconds} s, ${campaign.campaign.releaseSeconds} release seconds)`,
  );
  say(`  campaign to its last push              ${campaign.campaign.seconds} s`);
  say(
    `  ${campaign.campaign.status}: planned ${n(campaign.campaign.planned)}, delivered ${n(campaign.campaign.delivered)}, suppressed ${JSON.stringify(campaign.campaign.suppressed)}, failed ${JSON.stringify(campaign.campaign.failed)}`,
  );
  say(
    `  billable requests per delivered push   ${campaign.requestsPerDeliveredPush} (target: at most ${campaign.targetRequestsPerDeliveredPush})`,
  );
  say(`  cost per million delivered pushes      $${campaign.costPerMillionUsd.toFixed(4)}`);
  for (const [service, usd] of Object.entries(campaign.costPerMillionByService))
    say(`    ${service.padEnd(12)} $${usd.toFixed(4)}`);
  say(`  fatigue writes per recipient           ${campaign.fatigueWritesPerRecipient}`);
  say(
    `  paced jobs                             ${n(campaign.jobs)} (${campaign.recipientsPerJob} recipients each on average)`,
  );
  say(
    `  largest checkpoint                     fan-out ${kb(campaign.largestCheckpointBytes.fanout)}, delivery ${kb(campaign.largestCheckpointBytes.delivery)}`,
  );
  say('  request mix:');
  for (const [request, count] of Object.entries(campaign.requestMix).sort((a, b) => b[1] - a[1]))
    say(`    ${request.padEnd(28)} ${n(count)}`);
  say('  peak memory of one campaign reader (target: flat)');
  for (const m of campaignMemory)
    say(
      `    ${n(m.audience).padStart(9)} users  peak RSS ${m.peakRssMb.toFixed(1).padStart(6)} MB  heap after GC ${m.heapAfterGcMb.toFixed(1)} MB  (${n(m.jobs)} paced jobs)`,
    );
};
