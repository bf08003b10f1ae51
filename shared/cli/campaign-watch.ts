import { Presets, SingleBar } from 'cli-progress';
import type { CampaignProgress } from '../domain/campaigns/progress.ts';
import { formatProgress, isFinal, settledOf, watchFields } from './campaign-format.ts';
import type { CampaignTransport } from './campaign-transport.ts';

export interface WatchOptions {
  readonly json?: boolean;
  readonly intervalMs: number;
  /** Where the bar (or, off a terminal, a line per poll) goes; stdout keeps the result. */
  readonly stream?: NodeJS.WriteStream;
}

const BAR_FORMAT =
  '{id} {status} [{bar}] {value}/{total} | delivered {delivered} | suppressed {suppressed} | failed {failed} | remaining {remaining} | {rate}/s | ETA {eta}';

const statusOf = async (transport: CampaignTransport, campaignId: string): Promise<CampaignProgress> => {
  const reply = await transport.send({ action: 'status', campaignId });
  if (reply.action !== 'status') throw new Error(`expected a status reply, got ${reply.action}`);
  return reply.progress;
};

/**
 * `status --watch`: polls the campaign's progress until it is completed or cancelled. On a
 * terminal a live bar (cli-progress) on stderr; in pipes a plain line per poll; with `--json` one
 * progress document per poll on stdout (NDJSON). The rate is what this watch observed settle.
 */
export const watchCampaign = async (
  campaignId: string,
  transport: CampaignTransport,
  options: WatchOptions,
): Promise<CampaignProgress> => {
  const stream = options.stream ?? process.stderr;
  const bar =
    !options.json && stream.isTTY
      ? new SingleBar({ stream, format: BAR_FORMAT, hideCursor: true }, Presets.shades_classic)
      : undefined;
  const started = performance.now();
  let first: number | undefined;
  let barStarted = false;
  let progress: CampaignProgress;
  try {
    for (;;) {
      progress = await statusOf(transport, campaignId);
      const settled = settledOf(progress);
      first ??= settled;
      const seconds = (performance.now() - started) / 1000;
      const fields = {
        id: progress.id,
        ...watchFields(progress, seconds > 0 ? (settled - first) / seconds : 0),
      };
      if (options.json) process.stdout.write(`${JSON.stringify(progress)}\n`);
      else if (bar) {
        if (!barStarted) bar.start(Math.max(progress.planned, 1), settled, fields);
        barStarted = true;
        // The planned count grows while the readers read.
        bar.setTotal(Math.max(progress.planned, 1));
        bar.update(settled, fields);
      } else
        stream.write(
          `${fields.id} ${fields.status}: ${settled}/${progress.planned} settled, delivered ${fields.delivered}, ` +
            `suppressed ${fields.suppressed}, failed ${fields.failed}, remaining ${fields.remaining}, ${fields.rate}/s, ETA ${fields.eta}\n`,
        );
      if (isFinal(progress)) break;
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
  } finally {
    bar?.stop();
  }
  if (!options.json) console.log(formatProgress(progress));
  return progress;
};
