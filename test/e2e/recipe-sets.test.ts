import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecipeSetFiles } from '../../shared/adapters/files/recipe-set-files.ts';
import { parseScenario } from '../../shared/simulation/scenario.ts';
import { simulate } from '../../shared/simulation/simulate.ts';
import { sharedEngines } from '../support/engines.ts';
import { runHerald, sharedEnginesEnv, spawnedTimeoutMs } from '../support/herald-cli.ts';
import { expectBalanced, minute, receivedBy, run, start } from '../support/scenarios.ts';

const examples = join(import.meta.dirname, '../../examples');
const lotteryDir = join(examples, 'lottery');

/** A copy of the lottery set in a temporary folder, to break. */
const lotteryCopy = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-set-'));
  await cp(lotteryDir, dir, { recursive: true });
  return dir;
};

describe('herald recipes check', () => {
  it('passes the lottery example, a new event type written only as files', async () => {
    const result = await runHerald(['recipes', 'check', lotteryDir]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${lotteryDir}: 2 contract(s), 1 recipe(s), 1 channel(s): ok\n`);
  });

  it('refuses a broken set with exit 1, naming each file and JSON path', async () => {
    const dir = await lotteryCopy();
    const recipe = join(dir, 'recipes/lottery-drawn.yaml');
    await writeFile(
      recipe,
      (await readFile(recipe, 'utf8')).replace('{{detail.prize}}', '{{detail.jackpot}}'),
    );
    const contract = join(dir, 'contracts/market.lottery/DrawEntered.json');
    await writeFile(contract, (await readFile(contract, 'utf8')).replace('"minLength": 1', '"minLenght": 1'));

    const result = await runHerald(['recipes', 'check', dir]);
    const json = await runHerald(['recipes', 'check', '--json', dir]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: ${dir}/contracts/market.lottery/DrawEntered.json: $: strict mode: unknown keyword: "minLenght"`,
    );
    expect(result.stderr).toContain(
      `error: ${dir}/recipes/lottery-drawn.yaml: $.push.body: {{detail.jackpot}}: "jackpot" is not a property of the contract of market.lottery/DrawCompleted`,
    );
    // The channel's contract is the broken one: its feed has no contract left to check against.
    expect(result.stderr).toContain(`error: ${dir}/channels/entered.yaml: $.feeds[0].trigger: no contract`);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      recipes: 1,
      problems: expect.arrayContaining([
        {
          file: 'recipes/lottery-drawn.yaml',
          path: '$.push.body',
          message: expect.stringContaining('jackpot'),
        },
      ]),
    });
  });

  it('exits 2 for a folder it cannot read', async () => {
    const result = await runHerald(['recipes', 'check', join(lotteryDir, 'nowhere')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nowhere: \$: no such folder/);
  });
});

describe('herald simulate with a recipe set', () => {
  it(
    '--recipes runs the set: its channel feeds the relation, its recipe pushes the entrants',
    async () => {
      const result = await runHerald(
        ['simulate', join(examples, 'lottery.scenario.json'), '--recipes', lotteryDir],
        { env: sharedEnginesEnv() },
      );

      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(receivedBy(report)).toEqual(['amy/APNS/lottery-drawn', 'ben/FCM/lottery-drawn']);
      expect(report.deliveries[0].title).toBe('The draw for Brass lamp is done');
      expect(report.rejected).toEqual([]);
    },
    spawnedTimeoutMs,
  );

  it('refuses a scenario whose recipe the set cannot run, naming the scenario field', async () => {
    const scenario = JSON.parse(await readFile(join(examples, 'lottery.scenario.json'), 'utf8'));
    const dir = await lotteryCopy();
    const file = join(dir, 'scenario.json');
    const recipe = {
      ...(readRecipeSetFiles(lotteryDir).files.recipes[0]!.content as object),
      business: 'raffles',
    };
    await writeFile(file, JSON.stringify({ ...scenario, recipes: [recipe] }));

    const result = await runHerald(['simulate', file, '--recipes', lotteryDir], { env: sharedEnginesEnv() });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`scenario $.recipes[0]: $.business: "raffles" has no caps`);
  });

  it("checks events against the scenario's inline contracts: a new event type without any file", async () => {
    const report = await run({
      contracts: [
        {
          source: 'market.auctions',
          detailType: 'AuctionEnding',
          schema: {
            type: 'object',
            properties: { auctionId: { type: 'string' }, minutesLeft: { type: 'integer', minimum: 1 } },
            required: ['auctionId', 'minutesLeft'],
          },
        },
      ],
      recipes: [
        {
          id: 'auction-ending',
          description: 'An auction you watch ends soon.',
          trigger: { source: 'market.auctions', detailType: 'AuctionEnding' },
          audience: [{ relation: 'watch', targetField: 'auctionId' }],
          business: 'offers',
          category: 'auctions',
          push: { title: 'Ending soon', body: '{{detail.minutesLeft}} minutes left' },
        },
      ],
      devices: [{ userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-phone' }],
      relations: [{ type: 'watch', from: 'amy', to: 'auction-1' }],
      events: [
        {
          time: minute(1),
          source: 'market.auctions',
          'detail-type': 'AuctionEnding',
          detail: { auctionId: 'auction-1', minutesLeft: 0 },
        },
        {
          time: minute(2),
          source: 'market.auctions',
          'detail-type': 'AuctionEnding',
          detail: { auctionId: 'auction-1', minutesLeft: 5 },
        },
      ],
    });

    expect(receivedBy(report)).toEqual(['amy/FCM/auction-ending']);
    expect(report.deliveries[0]?.body).toBe('5 minutes left');
    expect(report.outcomes['auction-ending']?.rejected).toEqual({ 'detail.minutesLeft: must be >= 1': 1 });
    expectBalanced(report);
  });

  it('refuses an inline contract whose template field it lacks, naming the scenario field', async () => {
    const scenario = parseScenario({
      start,
      contracts: [
        {
          source: 'market.auctions',
          detailType: 'AuctionEnding',
          schema: { type: 'object', properties: {} },
        },
      ],
      recipes: [
        {
          id: 'auction-ending',
          description: 'An auction you watch ends soon.',
          trigger: { source: 'market.auctions', detailType: 'AuctionEnding' },
          audience: [{ relation: 'watch', targetField: 'auctionId' }],
          business: 'offers',
          category: 'auctions',
          push: { title: 'Ending soon', body: 'hurry' },
        },
      ],
    });

    await expect(simulate(scenario, sharedEngines())).rejects.toThrow(
      /scenario \$\.recipes\[0\]: \$\.audience\[0\]\.targetField: "auctionId" is not a property of the contract of market\.auctions\/AuctionEnding \(scenario \$\.contracts\[0\]\.schema\)/,
    );
  });
});
