import { describe, expect, it } from 'vitest';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import { defaultPolicy } from '../../../shared/domain/fatigue/policy.ts';
import type { HeraldPorts } from '../../../shared/herald-ports.ts';
import { loadWorld } from '../../../shared/simulation/load-world.ts';
import type { Scenario } from '../../../shared/simulation/scenario.ts';

// Scenarios built in code (the demo dataset) reach loadWorld without parseScenario.
const world = (users: Scenario['users']): Scenario => ({
  start: '2026-11-21T10:00:00Z',
  users,
  devices: [],
  relations: [],
  events: [],
  faults: undefined,
  policy: defaultPolicy,
});
const user = (id: string, flags: string[] = []) => ({ id, timeZone: 'UTC', flags, optOuts: [] });

describe('loadWorld', () => {
  it('stores profiles normalised', async () => {
    const users = new InMemoryUserDirectory();

    await loadWorld({ users } as unknown as HeraldPorts, world([user('u1', ['Minor '])]));

    expect((await users.profilesOf(['u1'])).get('u1')?.flags).toEqual(['minor']);
  });

  it('refuses an unknown flag and a duplicate user id, with the JSON path', async () => {
    const ports = { users: new InMemoryUserDirectory() } as unknown as HeraldPorts;

    await expect(loadWorld(ports, world([user('u1'), user('u2', ['minor', 'vip'])]))).rejects.toThrow(
      '$.users[1].flags[1]: unknown flag "vip"',
    );
    await expect(loadWorld(ports, world([user('u1'), user('u2'), user('u1')]))).rejects.toThrow(
      '$.users[2].id: duplicate user id "u1" (first at $.users[0])',
    );
  });
});
