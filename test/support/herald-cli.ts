import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

const herald = join(import.meta.dirname, '../../bin/herald.mjs');

/** A spawned process gets this long: the machine may be busy with other test files' JVM work. */
export const spawnedTimeoutMs = 120_000;

export interface HeraldRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a spawned `herald`: none of the caller's HERALD_* settings, quiet logs. */
const environment = (env: Record<string, string | undefined>) => {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HERALD_')));
  const merged: Record<string, string | undefined> = { ...inherited, POWERTOOLS_LOG_LEVEL: '', ...env };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
};

/** Points a spawned `herald` at the engines the global setup started, so it starts no JVM. */
export const sharedEnginesEnv = () => ({
  HERALD_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
  HERALD_SQS_ENDPOINT: inject('sqsEndpoint'),
});

/**
 * Runs `herald args` to its end. `onStdout` sees the output so far and may signal the process
 * (Ctrl-C once the runtime is up, say).
 */
export const runHerald = (
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    /** The folder it runs in: `herald campaign` finds the runtime by `.herald/runtime.json` there. */
    cwd?: string;
    onStdout?: (text: string, child: ChildProcessWithoutNullStreams) => void;
  } = {},
) =>
  new Promise<HeraldRun>((resolve, reject) => {
    const child = spawn(process.execPath, [herald, ...args], {
      env: environment(options.env ?? {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    // Before the test's own timeout: a test that gives up must not leave a runtime behind (its
    // JVM watchdog then stops DynamoDB Local too).
    const deadline = setTimeout(() => child.kill('SIGKILL'), spawnedTimeoutMs - 10_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr });
    });
  });

/** A scenario file in a fresh temporary folder; a string is written as it is. */
export const scenarioFile = async (content: unknown) => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-'));
  const file = join(dir, 'scenario.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** `herald start` to its ready line, then Ctrl-C: the whole run. */
export const startThenInterrupt = (args: readonly string[], env: Record<string, string | undefined>) => {
  let interrupted = false;
  return runHerald(['start', ...args], {
    env,
    onStdout: (text, child) => {
      if (!interrupted && text.includes('Press Ctrl-C to stop.')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    },
  });
};
