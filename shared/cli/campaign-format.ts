import type { CampaignState } from '../domain/campaigns/lifecycle.ts';
import type { CampaignProgress } from '../domain/campaigns/progress.ts';
import type { DryRunReport } from '../use-cases/campaign-dry-run.ts';

const n = (value: number) => value.toLocaleString('en-US');
const byReason = (counts: Readonly<Record<string, number>>) => {
  const entries = Object.entries(counts).filter(([, c]) => c > 0);
  return entries.length === 0 ? '-' : entries.map(([reason, c]) => `${reason} ${n(c)}`).join(', ');
};
const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** `1h 02m 05s`, `4m 10s`, `12s`. */
export const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${String(s % 60).padStart(h > 0 || m > 0 ? 2 : 1, '0')}s`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${rest}`;
  return m > 0 ? `${m}m ${rest}` : rest;
};

/** Where a campaign stands after a command, in one line: `winter-sale: scheduled, launches at ...`. */
export const formatState = (state: CampaignState): string => {
  const where =
    state.status === 'scheduled' && state.launchAt
      ? `, launches at ${state.launchAt}`
      : state.status === 'running' && state.run
        ? `, run ${state.run} reading with ${state.slices ?? 0} reader(s)`
        : '';
  const last = state.history[state.history.length - 1];
  return `${state.campaign.id}: ${state.status}${where}${last ? ` (${last.action} by ${last.by})` : ''}`;
};

/** What `status` prints: counts by outcome and reason, what is left and when it should end, and who did what. */
export const formatProgress = (p: CampaignProgress): string => {
  const readers = p.readers ? `, readers ${p.readers.finished}/${p.readers.total} done` : '';
  const lines = [
    `${p.id}: ${p.status}${p.run ? ` (run ${p.run}${readers})` : ''}${p.launchAt ? `, next launch ${p.launchAt}` : ''}`,
    `  planned ${n(p.planned)}, delivered ${n(p.delivered)}, suppressed ${n(total(p.suppressed))}, failed ${n(total(p.failed))}`,
    `  suppressed: ${byReason(p.suppressed)}`,
    `  failed: ${byReason(p.failed)}`,
    `  remaining ${n(p.remaining)} at ${n(p.rate)}/s, ETA ${duration(p.etaSeconds)}`,
    '  history:',
    ...p.history.map((h) => `    ${h.at}  ${h.action.padEnd(8)} by ${h.by}${h.note ? ` (${h.note})` : ''}`),
  ];
  return lines.join('\n');
};

/** `list`: one row per campaign. */
export const formatList = (campaigns: readonly CampaignProgress[]): string => {
  if (campaigns.length === 0) return 'no campaigns yet: herald campaign create FILE';
  const header = ['campaign', 'status', 'planned', 'delivered', 'suppressed', 'failed', 'remaining'];
  const rows = campaigns.map((p) => [
    p.id,
    p.status,
    n(p.planned),
    n(p.delivered),
    n(total(p.suppressed)),
    n(total(p.failed)),
    n(p.remaining),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return all
    .map((row) =>
      row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
};

/** The settled part of a run: every planned recipient with an outcome. */
export const settledOf = (p: CampaignProgress): number => p.delivered + total(p.suppressed) + total(p.failed);

/** The status a watch ends at. */
export const isFinal = (p: CampaignProgress): boolean => p.status === 'completed' || p.status === 'cancelled';

/** The watch bar's fields: outcomes by reason, what is left, the observed rate and the ETA at it. */
export const watchFields = (p: CampaignProgress, observedRate: number) => ({
  status: p.status,
  planned: n(p.planned),
  delivered: n(p.delivered),
  suppressed: byReason(p.suppressed),
  failed: byReason(p.failed),
  remaining: n(p.remaining),
  rate: observedRate.toFixed(1),
  eta: duration(observedRate > 0 ? p.remaining / observedRate : p.etaSeconds),
});

/** `dry-run`: who it would reach (exact or estimated), five pushes as shown, its cost, and when it would end. */
export const formatDryRun = (r: DryRunReport): string =>
  [
    `${r.campaign}: dry run (nothing stored, nothing sent)`,
    `  audience ${n(r.audience.size)} (${r.audience.exact ? 'exact' : 'estimate'}): ${r.audience.sources
      .map((s) => `${s.kind} ${n(s.size)}${s.exact ? '' : ' (estimate)'}`)
      .join(', ')}`,
    `  cost $${r.cost.usd.toFixed(2)}: ${Object.entries(r.cost.byService)
      .map(([service, usd]) => `${service} $${usd.toFixed(2)}`)
      .join(', ')}`,
    `  first push ${r.firstPushAt}, last push ${r.lastPushAt}`,
    `  caps now: ${
      Object.keys(r.caps.estimate).length === 0
        ? `none of the first ${n(r.caps.sampled)} held back`
        : `${Object.entries(r.caps.estimate)
            .map(([reason, count]) => `${reason} ~${n(count)}`)
            .join(', ')} (read for the first ${n(r.caps.sampled)})`
    }`,
    '  samples:',
    ...(r.samples.length === 0
      ? ['    (none: the audience is empty)']
      : r.samples.map((s) => `    ${s.userId}: ${s.verdict}${s.title ? ` | ${s.title} | ${s.body}` : ''}`)),
  ].join('\n');
