import { describe, expect, it } from 'vitest';
import { runHerald, spawnedTimeoutMs } from '../support/herald-cli.ts';

describe('the herald command line', () => {
  it.each([
    ['--help', 'Usage: herald [options] [command]'],
    ['help', 'Usage: herald [options] [command]'],
    ['start --help', 'Usage: herald start [options]'],
    ['help start', 'Usage: herald start [options]'],
    ['simulate --help', 'Usage: herald simulate [options] <scenario>'],
    ['events --help', 'Usage: herald events [options] [command]'],
    ['events test-pattern --help', 'Usage: herald events test-pattern [options]'],
    ['contracts --help', 'Usage: herald contracts [options]'],
    ['trace --help', 'Usage: herald trace [options]'],
    ['stats --help', 'Usage: herald stats [options]'],
    ['recipes --help', 'Usage: herald recipes [options] [command]'],
    ['recipes check --help', 'Usage: herald recipes check [options] <dir>'],
  ])(
    'prints help for `herald %s` on stdout with exit code 0',
    async (args, usage) => {
      const { code, stdout } = await runHerald(args.split(' ').filter(Boolean));

      expect(code).toBe(0);
      expect(stdout).toContain(usage);
    },
    spawnedTimeoutMs,
  );

  it(
    'documents the options of herald start with their environment variables',
    async () => {
      const { stdout } = await runHerald(['start', '--help']);

      for (const option of ['--at <instant>', 'HERALD_AT', '--bus-port <port>', 'HERALD_BUS_PORT'])
        expect(stdout).toContain(option);
      expect(stdout).toMatch(/--dynamodb-endpoint <url>[\s\S]*HERALD_DYNAMODB_ENDPOINT/);
    },
    spawnedTimeoutMs,
  );

  it.each([
    ['', 'Usage: herald [options] [command]'],
    ['frobnicate', "error: unknown command 'frobnicate'"],
    ['simulate', "error: missing required argument 'scenario'"],
    ['simulate a.json b.json', 'error: too many arguments'],
    ['start --bogus', "error: unknown option '--bogus'"],
    ['start --at tomorrow', "option '--at <instant>' argument 'tomorrow' is invalid"],
    ['start --bus-port 70000', 'expected a port number from 0 to 65535'],
    ['start --dynamodb-endpoint http://127.0.0.1:1', '--dynamodb-endpoint and --sqs-endpoint go together'],
    ['events', 'Usage: herald events'],
    ['events test-pattern --event {}', "error: required option '--pattern <json|@file>' not specified"],
  ])(
    'refuses `herald %s` with a clear message on stderr and exit code 2',
    async (args, message) => {
      const { code, stdout, stderr } = await runHerald(args.split(' ').filter(Boolean));

      expect(code).toBe(2);
      expect(stderr).toContain(message);
      expect(stdout).toBe('');
    },
    spawnedTimeoutMs,
  );

  it(
    'tests an event pattern as aws events test-event-pattern does',
    async () => {
      const event = JSON.stringify({
        id: '1',
        account: '123456789012',
        source: 'market.items',
        time: '2026-11-21T10:00:00Z',
        region: 'us-east-1',
        resources: [],
        'detail-type': 'ItemListed',
        detail: { price: 5 },
      });

      const matching = await runHerald([
        'events',
        'test-pattern',
        '--pattern',
        '{"detail":{"price":[{"numeric":["<",10]}]}}',
        '--event',
        event,
      ]);
      const missing = await runHerald([
        'events',
        'test-pattern',
        '--pattern',
        '{"source":["market.offers"]}',
        '--event',
        event,
      ]);

      expect([matching.code, JSON.parse(matching.stdout)]).toEqual([0, { Result: true }]);
      expect([missing.code, JSON.parse(missing.stdout)]).toEqual([0, { Result: false }]);
    },
    spawnedTimeoutMs,
  );

  it(
    'still prints the event contracts as JSON Schema',
    async () => {
      const { code, stdout } = await runHerald(['contracts']);

      expect(code).toBe(0);
      expect(Object.keys(JSON.parse(stdout)).length).toBeGreaterThan(0);
    },
    spawnedTimeoutMs,
  );
});
