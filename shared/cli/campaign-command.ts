import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CampaignStateError } from '../domain/campaigns/lifecycle.ts';
import {
  CampaignChangedError,
  CampaignExistsError,
  UnknownCampaignError,
} from '../domain/campaigns/store.ts';
import { HeraldError } from '../domain/errors.ts';
import type { CampaignReply, CampaignRequest } from '../use-cases/campaign-actions.ts';
import { formatDryRun, formatList, formatProgress, formatState } from './campaign-format.ts';
import { localCampaigns, NoLocalRuntimeError } from './campaign-local.ts';
import { CampaignCallError, type CampaignTransport } from './campaign-transport.ts';
import { functionUrlCampaigns } from './campaign-url-client.ts';
import { watchCampaign } from './campaign-watch.ts';

interface TargetOptions {
  readonly json?: boolean;
  readonly aws?: boolean;
  readonly url?: string;
  readonly region?: string;
}

/** A failure the command explains in one line, with its exit code (2: bad usage or input). */
class CommandFailure extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}

const transportOf = async (options: TargetOptions): Promise<CampaignTransport> => {
  if (!options.aws) return localCampaigns();
  if (!options.url)
    throw new CommandFailure('--aws needs --url (the stack output CampaignUrl) or HERALD_CAMPAIGN_URL', 2);
  return functionUrlCampaigns({ url: options.url, ...(options.region ? { region: options.region } : {}) });
};

/** How an error reads on the terminal, and its exit code: 2 for input to fix, 1 for everything else. */
const failureOf = (error: unknown): CommandFailure => {
  if (error instanceof CommandFailure) return error;
  if (error instanceof CampaignCallError)
    return new CommandFailure(error.message, error.status === 400 ? 2 : 1);
  if (
    error instanceof UnknownCampaignError ||
    error instanceof CampaignStateError ||
    error instanceof CampaignExistsError ||
    error instanceof CampaignChangedError ||
    error instanceof NoLocalRuntimeError
  )
    return new CommandFailure(error.message, 1);
  if (error instanceof HeraldError) return new CommandFailure(error.message, 2);
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  // The network and AWS credentials: the machine's problem, told in a line.
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || name === 'CredentialsProviderError')
    return new CommandFailure(message ?? String(error), 1);
  throw error;
};

const printReply = (reply: CampaignReply, json: boolean | undefined) => {
  const payload =
    reply.action === 'status'
      ? reply.progress
      : reply.action === 'list'
        ? reply.campaigns
        : reply.action === 'dry-run'
          ? reply.report
          : reply.state;
  if (json) console.log(JSON.stringify(payload, null, 2));
  else if (reply.action === 'dry-run') console.log(formatDryRun(reply.report));
  else if (reply.action === 'status') console.log(formatProgress(reply.progress));
  else if (reply.action === 'list') console.log(formatList(reply.campaigns));
  else console.log(formatState(reply.state));
};

/** Runs one action on the chosen target; resolves to the exit code. */
const runAction = async (
  options: TargetOptions,
  request: () => Promise<CampaignRequest>,
  then?: (transport: CampaignTransport, reply: CampaignReply) => Promise<void>,
): Promise<number> => {
  let transport: CampaignTransport | undefined;
  try {
    const asked = await request();
    transport = await transportOf(options);
    const reply = await transport.send(asked);
    if (then) await then(transport, reply);
    else printReply(reply, options.json);
    return 0;
  } catch (error) {
    const failure = failureOf(error);
    console.error(`herald campaign: ${failure.message}`);
    return failure.code;
  } finally {
    transport?.close();
  }
};

const campaignFile = async (file: string): Promise<unknown> => {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CommandFailure(`cannot read ${file}`, 2);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandFailure(`${file}: not valid JSON: ${(error as Error).message}`, 2);
  }
};

const parseInterval = (value: string): number => {
  const seconds = Number(value);
  if (!(seconds >= 0.2 && seconds <= 3600))
    throw new InvalidArgumentError('expected seconds from 0.2 to 3600.');
  return seconds * 1000;
};

/** `--json`, and where to send the action: the local runtime, or `--aws --url`. */
const withTarget = (command: Command): Command =>
  command
    .option('--json', 'print JSON instead of text')
    .option(
      '--aws',
      'call the deployed campaign function (its Function URL, SigV4-signed with your AWS credentials)',
    )
    .addOption(
      new Option('--url <url>', 'with --aws: the campaign Function URL (stack output CampaignUrl)').env(
        'HERALD_CAMPAIGN_URL',
      ),
    )
    .addOption(
      new Option(
        '--region <region>',
        "with --aws: the function's region (default: from the URL, else the SDK's)",
      ),
    );

/**
 * `herald campaign ...`: ops' campaign actions against the running local runtime (the default) or
 * the deployed stack (`--aws`). Every action is recorded with who took it: the OS user locally,
 * the IAM principal that signed the request on AWS.
 */
export const addCampaignCommands = (program: Command, exit: (code: number) => void): void => {
  const campaign = program
    .command('campaign')
    .description(
      'Campaigns for ops: broadcast to an audience, on a schedule, at a steady rate (README, "Campaigns")',
    );

  withTarget(
    campaign
      .command('create')
      .description('Validate a campaign (JSON) and keep it as a draft')
      .argument('<file>', 'the campaign, as JSON (README, "Campaigns")'),
  ).action(async (file: string, options: TargetOptions) => {
    exit(await runAction(options, async () => ({ action: 'create', campaign: await campaignFile(file) })));
  });

  withTarget(
    campaign
      .command('dry-run')
      .description(
        'Audience size, five rendered pushes with their verdict, what the caps would hold back, cost and end time; stores and sends nothing',
      )
      .argument('<file>', 'the campaign, as JSON (README, "Campaigns")'),
  ).action(async (file: string, options: TargetOptions) => {
    exit(await runAction(options, async () => ({ action: 'dry-run', campaign: await campaignFile(file) })));
  });

  const onCampaign = (action: 'start' | 'pause' | 'resume' | 'cancel', description: string) =>
    withTarget(campaign.command(action).description(description).argument('<id>', 'the campaign id')).action(
      async (campaignId: string, options: TargetOptions) => {
        exit(await runAction(options, async () => ({ action, campaignId })));
      },
    );
  onCampaign('start', 'Schedule a draft: it launches now, or at its schedule');
  onCampaign('pause', 'Stop new pushes within seconds; resume goes on where it stopped');
  onCampaign('resume', 'Go on with a paused campaign, at its rate');
  onCampaign('cancel', 'End the campaign: every recipient not yet pushed is settled `suppressed: cancelled`');

  withTarget(
    campaign
      .command('status')
      .description(
        'Progress: planned, delivered, suppressed and failed by reason, remaining, rate, ETA, history',
      )
      .argument('<id>', 'the campaign id')
      .option('--watch', 'follow it with a live progress bar until it is completed or cancelled')
      .addOption(
        new Option('--interval <seconds>', 'with --watch: seconds between polls')
          .default(1000, '1')
          .argParser(parseInterval),
      ),
  ).action(async (campaignId: string, options: TargetOptions & { watch?: boolean; interval: number }) => {
    exit(
      await runAction(
        options,
        async () => ({ action: 'status', campaignId }),
        options.watch
          ? async (transport) =>
              void (await watchCampaign(campaignId, transport, {
                intervalMs: options.interval,
                ...(options.json ? { json: true } : {}),
              }))
          : undefined,
      ),
    );
  });

  withTarget(campaign.command('list').description('Every campaign with its progress, oldest first')).action(
    async (options: TargetOptions) => {
      exit(await runAction(options, async () => ({ action: 'list' })));
    },
  );
};
