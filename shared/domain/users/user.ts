/** What Herald knows of a person it may push to. */
export interface UserProfile {
  readonly id: string;
  /** IANA zone; calendar windows and quiet hours follow it. */
  readonly timeZone: string;
  /** Sensitivity flags such as `minor`, `complained`, `blocked`. */
  readonly flags: readonly string[];
  /** Businesses or categories the user opted out of, e.g. `offers` or `promotions`. */
  readonly optOuts: readonly string[];
  /**
   * Set when the stored profile could not be read (another system wrote a field in a shape
   * Herald does not know): the reason, naming the field, e.g. `flags: expected an array of
   * strings, received number`. The unreadable fields hold their defaults, which are not safe to
   * push under (a `minor` flag may be lost), so the fan-out fails such a recipient (`failed: bad-profile`).
   */
  readonly unreadable?: string;
}

/** A user Herald has no profile for: pushes go out under the defaults. */
export const anonymousProfile = (id: string): UserProfile => ({
  id,
  timeZone: 'UTC',
  flags: [],
  optOuts: [],
});

/** Port: user profiles, read in batches. */
export interface UserDirectory {
  profilesOf(userIds: readonly string[]): Promise<Map<string, UserProfile>>;
  save(profile: UserProfile): Promise<void>;
}
