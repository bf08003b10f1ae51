import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { parseScenario } from '../../../shared/simulation/scenario.ts';

const start = '2026-11-21T10:00:00Z';
const refusal = (input: Record<string, unknown>): string => {
  try {
    parseScenario({ start, ...input });
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('the scenario was accepted');
};

describe('parseScenario, user profiles', () => {
  it('normalises flags and opt-outs: trimmed, lower-cased, each once', () => {
    const scenario = parseScenario({
      start,
      users: [{ id: 'u1', flags: ['Minor', 'minor ', ' BLOCKED'], optOuts: ['Listings', ' offers '] }],
    });

    expect(scenario.users[0]).toMatchObject({
      flags: ['minor', 'blocked'],
      optOuts: ['listings', 'offers'],
    });
  });

  it('refuses a flag Herald does not act on, with its JSON path', () => {
    expect(refusal({ users: [{ id: 'u1' }, { id: 'u2', flags: ['minor', 'vip'] }] })).toBe(
      '$.users[1].flags[1]: unknown flag "vip"; expected one of "minor"|"complained"|"blocked"',
    );
  });

  it('refuses an empty opt-out, with its JSON path', () => {
    expect(refusal({ users: [{ id: 'u1', optOuts: ['offers', '  '] }] })).toBe(
      '$.users[0].optOuts[1]: expected a business or category name, received an empty one',
    );
  });

  it('refuses a user id given twice, naming both places', () => {
    const users = [{ id: 'u1' }, { id: 'u2' }, { id: 'u3' }, { id: 'u1', flags: ['minor'] }];

    expect(refusal({ users })).toBe('$.users[3].id: duplicate user id "u1" (first at $.users[0])');
  });
});
