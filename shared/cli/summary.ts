import type { ScopeSummary } from '../domain/outcomes/outcome.ts';
import type { EmfDocument } from '../observability/metrics.ts';

const reasons = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ') || '-';

/** A readable outcome table, one row per recipe. */
export const formatSummary = (outcomes: Record<string, ScopeSummary>): string => {
  const rows = Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return '  (no recipe has fired yet)';
  return rows
    .map(([recipe, s]) => {
      const lines = [
        `  ${recipe}`,
        `    audience ${s.planned}, delivered ${s.delivered}`,
        `    suppressed: ${reasons(s.suppressed)}`,
        `    failed: ${reasons(s.failed)}`,
      ];
      if (Object.keys(s.rejected).length > 0) lines.push(`    rejected events: ${reasons(s.rejected)}`);
      return lines.join('\n');
    })
    .join('\n');
};

/** The canary's latest latency, from the CanaryLatencyMs the runtime's metrics carry: `canary: 42 ms`. */
export const formatCanary = (documents: readonly EmfDocument[]): string => {
  const latest = documents.findLast((d) => 'CanaryLatencyMs' in d)?.CanaryLatencyMs;
  const value = Array.isArray(latest) ? latest.at(-1) : latest;
  return typeof value === 'number' ? `canary: ${value} ms` : 'canary: no ping delivered yet';
};
