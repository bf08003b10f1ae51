import { Presets, SingleBar } from 'cli-progress';
import type { SimulationProgress } from '../simulation/simulate.ts';

/**
 * Shows a simulation's progress on stderr, where it never mixes with the report: a bar on a
 * terminal, plain lines (`simulate: event 3/12`) in pipes and CI logs, where a redrawn bar
 * would only add noise.
 */
export const simulationProgress = (
  stream: NodeJS.WriteStream = process.stderr,
): { readonly update: SimulationProgress; stop(): void } => {
  if (!stream.isTTY) {
    return {
      update: ({ done, total }) =>
        stream.write(
          done === 0
            ? `simulate: engines ready, ${total} event(s) to run\n`
            : `simulate: event ${done}/${total}\n`,
        ),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    { stream, format: 'simulate [{bar}] event {value}/{total}', hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: ({ done, total }) => {
      if (started) bar.update(done);
      else bar.start(total, done);
      started = true;
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
};
