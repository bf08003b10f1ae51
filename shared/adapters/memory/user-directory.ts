import { normaliseProfile } from '../../domain/users/profile-terms.ts';
import type { UserDirectory, UserProfile } from '../../domain/users/user.ts';

/** User profiles in memory, for unit tests and in-process benchmarks. */
export class InMemoryUserDirectory implements UserDirectory {
  readonly #profiles = new Map<string, UserProfile>();

  async profilesOf(userIds: readonly string[]): Promise<Map<string, UserProfile>> {
    const found = new Map<string, UserProfile>();
    for (const id of userIds) {
      const profile = this.#profiles.get(id);
      if (profile) found.set(id, profile);
    }
    return found;
  }

  async save(profile: UserProfile): Promise<void> {
    this.#profiles.set(profile.id, normaliseProfile(profile));
  }
}
