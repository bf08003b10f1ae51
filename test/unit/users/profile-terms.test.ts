import { describe, expect, it } from 'vitest';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import { sensitiveUsers } from '../../../shared/domain/audience/filters.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { normaliseProfile } from '../../../shared/domain/users/profile-terms.ts';

const profile = (flags: string[], optOuts: string[] = []) => ({ id: 'u1', timeZone: 'UTC', flags, optOuts });

describe('normaliseProfile', () => {
  it('trims and lower-cases flags and opt-outs, keeping each once, so the filters see them', () => {
    const normal = normaliseProfile(profile(['Minor', 'minor ', ' Complained'], ['Listings', 'listings']));

    expect(normal).toEqual(profile(['minor', 'complained'], ['listings']));
    expect(sensitiveUsers.check(normal, {} as never)).toBe('sensitive');
  });

  it('refuses an unknown flag, naming its index', () => {
    expect(() => normaliseProfile(profile(['minor', 'vip']))).toThrow(
      new ValidationError('flags[1]', 'unknown flag "vip"; expected one of "minor"|"complained"|"blocked"'),
    );
  });

  it('is applied by the in-memory directory on save', async () => {
    const users = new InMemoryUserDirectory();

    await users.save(profile([' MINOR'], ['Offers ']));

    expect((await users.profilesOf(['u1'])).get('u1')).toEqual(profile(['minor'], ['offers']));
  });
});
