import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald, sharedEnginesEnv, spawnedTimeoutMs, startThenInterrupt } from '../support/herald-cli.ts';

/** The README's sample: the demo at 13:00 UTC, when none of its buyers is in quiet hours. */
const afternoonSummary = `Events received: 5; pushes on phones: 8
  favorited-item-price-drop
    audience 3, delivered 3
    suppressed: -
    failed: -
  followed-seller-new-item
    audience 4, delivered 2
    suppressed: no-device 1, sensitive 1
    failed: -
    rejected events: detail.price: Invalid input: expected number, received undefined 1
  seller-offer-to-favoriters
    audience 1, delivered 1
    suppressed: -
    failed: -
`;

/** The state of a process (`S`, `Z`...), or undefined once it is gone. */
const processState = (pid: number): string | undefined => {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

const acceptsConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() !== undefined));
    socket.once('error', () => resolve(false));
  });

const holdPort = () =>
  new Promise<{ port: number; release: () => void }>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        release: () => server.close(),
      });
    });
  });

const expectOneClearLine = (stderr: string, text: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(text);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('herald start', () => {
  it(
    'shows the demo at a fixed instant, the same whenever the test runs, and stops cleanly on Ctrl-C',
    async () => {
      const { code, stdout } = await startThenInterrupt(['--at', '2026-11-21T13:00:00Z'], sharedEnginesEnv());

      expect(code).toBe(0);
      expect(stdout).toContain('Clock           started at 2026-11-21T13:00:00.000Z');
      expect(stdout).toContain(afternoonSummary);
      expect(stdout).not.toContain('Held for the end of quiet hours');
      expect(stdout).toContain('Herald stopped.');
    },
    spawnedTimeoutMs,
  );

  it(
    'holds the pushes of buyers whose night it is at the instant HERALD_AT names',
    async () => {
      // 23:00 UTC: midnight in Paris, 07:00 in Shanghai, 23:00 in London; 18:00 in New York.
      const { code, stdout } = await startThenInterrupt([], {
        ...sharedEnginesEnv(),
        HERALD_AT: '2026-11-21T23:00:00Z',
      });

      expect(code).toBe(0);
      expect(stdout).toContain('Events received: 5; pushes on phones: 1\n');
      expect(stdout).toContain('Held for the end of quiet hours: 6 push(es)');
    },
    spawnedTimeoutMs,
  );

  it(
    'leaves no DynamoDB Local JVM behind when it is killed with SIGKILL',
    async () => {
      let dynamodbPort = 0;
      let jvm = 0;
      await runHerald(['start'], {
        onStdout: (text, child) => {
          if (jvm !== 0 || !text.includes('Press Ctrl-C to stop.')) return;
          dynamodbPort = Number(/DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(text)![1]);
          const processes = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
          const line = processes.find(
            (p) => p.includes('DynamoDBLocal.jar') && new RegExp(`-port ${dynamodbPort}\\b`).test(p),
          );
          jvm = Number(line?.trim().split(/\s+/)[0]);
          child.kill('SIGKILL');
        },
      });
      expect(jvm).toBeGreaterThan(0);

      // Nobody may reap the orphan in a container: a zombie (all threads gone) holds no port
      // and no memory. The leader thread turns zombie first, so wait for the port too.
      const gone = async () =>
        /^(gone|Z)/.test(processState(jvm) ?? 'gone') && !(await acceptsConnections(dynamodbPort));
      const deadline = Date.now() + 10_000;
      while (!(await gone()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

      expect(processState(jvm) ?? 'gone').toMatch(/^(gone|Z)/);
      expect(await acceptsConnections(dynamodbPort)).toBe(false);
    },
    spawnedTimeoutMs,
  );

  it(
    'says in one line, with exit code 1, that the bus port is taken',
    async () => {
      const held = await holdPort();
      try {
        const { code, stderr } = await runHerald(['start'], {
          env: { ...sharedEnginesEnv(), HERALD_BUS_PORT: String(held.port) },
        });

        expect(code).toBe(1);
        expectOneClearLine(
          stderr,
          `herald start: port ${held.port} (--bus-port / HERALD_BUS_PORT) is already in use`,
        );
      } finally {
        held.release();
      }
    },
    spawnedTimeoutMs,
  );

  it(
    'says in one line, with exit code 1, that Java is missing',
    async () => {
      const noJava = await mkdtemp(join(tmpdir(), 'herald-no-java-'));

      const { code, stderr } = await runHerald(['start'], { env: { PATH: noJava, JAVA_HOME: undefined } });

      expect(code).toBe(1);
      expectOneClearLine(stderr, 'herald start: Java was not found on the PATH');
    },
    spawnedTimeoutMs,
  );
});
