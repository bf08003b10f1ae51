/** What Herald knows of a person it may push to. */
export interface UserProfile {
  readonly id: string;
  /** IANA zone; calendar windows and quiet hours follow it. */
  readonly timeZone: string;
  /** Sensitivity flags such as `minor`, `complained`, `blocked`. */
  readonly flags: readonly string[];
  /** Businesses or categories the user opted out of, e.g. `offers` or `promotions`. */
  readonly optOuts: readonly string[];
  /** Set when the stored profile cannot be read, naming the field and why: the recipient ends `failed: bad-profile`. */
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
