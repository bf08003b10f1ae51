import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const herald = join(import.meta.dirname, '../../bin/herald.mjs');

const runHerald = (args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [herald, ...args], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

const scenarioFile = async (content: unknown) => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-'));
  const file = join(dir, 'scenario.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('the herald command', () => {
  it('refuses a scenario with an error, naming its JSON path, with exit code 2', async () => {
    const file = await scenarioFile({
      start: '2026-11-21T10:00:00Z',
      devices: [{ userId: 'u1', platform: 'WINDOWS', token: 'abcdefgh' }],
    });

    const { code, stderr, stdout } = await runHerald(['simulate', file]);

    expect(code).toBe(2);
    expect(stderr).toContain('$.devices[0].platform');
    expect(stdout).toBe('');
  });

  it('refuses a file that is not JSON with exit code 2', async () => {
    const { code, stderr } = await runHerald(['simulate', await scenarioFile('{"start": ')]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it('prints a JSON report, and nothing else, on stdout', async () => {
    const file = await scenarioFile({
      start: '2026-11-21T10:00:00Z',
      devices: [{ userId: 'u1', platform: 'FCM', token: 'fcm-token-u1-0001' }],
      relations: [{ type: 'follow', from: 'u1', to: 'seller-9' }],
      events: [
        {
          time: '2026-11-21T10:05:00Z',
          source: 'market.items',
          'detail-type': 'ItemListed',
          detail: { itemId: 'i1', sellerId: 'seller-9', title: 'Lamp', price: 5, currency: 'EUR' },
        },
      ],
    });

    const { code, stdout } = await runHerald(['simulate', file]);

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.deliveries).toEqual([
      {
        userId: 'u1',
        platform: 'FCM',
        token: 'fcm-token-u1-0001',
        recipe: 'followed-seller-new-item',
        title: 'New from a seller you follow',
        body: 'Lamp: 5 EUR',
        time: '2026-11-21T10:05:00.000Z',
      },
    ]);
  });

  it('npm start shows the demo, keeps running, and stops cleanly on Ctrl-C', async () => {
    let interrupted = false;
    const { code, stdout } = await runHerald(['start'], (text, child) => {
      if (!interrupted && text.includes('Press Ctrl-C to stop.')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });

    expect(code).toBe(0);
    expect(stdout).toMatch(/EventBridge\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(
      // Whether amy (Asia/Shanghai) is in quiet hours depends on when the test runs: count around it.
      /followed-seller-new-item\n\s+audience 4, delivered \d\n\s+suppressed: no-device 1, sensitive 1/,
    );
    expect(stdout).toContain('Herald stopped.');
  });

  it('explains an unknown command with exit code 2', async () => {
    const { code, stderr } = await runHerald(['frobnicate']);

    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "frobnicate"');
  });
});
