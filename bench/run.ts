/**
 * `npm run bench`: every benchmark, printed as a table, or as one JSON object with `--json`.
 * Figures, not assertions: the budgets they are read against are in the README.
 */
import { benchBus } from './bus.bench.ts';

const json = process.argv.includes('--json');
const log = (line: string) => {
  if (!json) console.log(line);
};

log('bus: events/s through the local bus rule index (parse, envelope check, match)');
const bus = await benchBus();
for (const row of bus)
  log(
    `  ${String(row.rules).padStart(5)} rules  ${Math.round(row.eventsPerSec).toLocaleString('en-US').padStart(10)} events/s`,
  );

const figures = {
  bus: {
    eventsPerSec: Object.fromEntries(bus.map((row) => [String(row.rules), Math.round(row.eventsPerSec)])),
  },
};
if (json) console.log(JSON.stringify(figures, null, 2));
