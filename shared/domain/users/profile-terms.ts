import { z } from 'zod';
import { suppressingFlags } from '../audience/filters.ts';
import { ValidationError } from '../errors.ts';
import type { UserProfile } from './user.ts';

/**
 * The words of a profile (flags, opt-outs) are compared exactly by the filters, so `"Minor"` or
 * `"minor "` would silently not suppress. Every writer normalises them here: trimmed,
 * lower-cased, each once.
 */
export const normaliseTerms = (terms: Iterable<string>): string[] => [
  ...new Set([...terms].map((term) => term.trim().toLowerCase()).filter((term) => term.length > 0)),
];

/** Flags Herald acts on: those the sensitive filter suppresses. Any other flag is a typo or another system's. */
export const knownFlags: readonly string[] = [...suppressingFlags];

const unknownFlag = (flag: string) =>
  `unknown flag "${flag}"; expected one of ${knownFlags.map((f) => `"${f}"`).join('|')}`;

/** One flag of a profile as a person writes it (a scenario): normalised, then checked against the vocabulary. */
export const flagSchema = z
  .string()
  .transform((flag) => flag.trim().toLowerCase())
  .refine((flag) => knownFlags.includes(flag), { error: (issue) => unknownFlag(String(issue.input)) });

/** One opt-out (a business or a category of the catalog): normalised; catalogs differ, so any name goes. */
export const optOutSchema = z
  .string()
  .transform((term) => term.trim().toLowerCase())
  .refine((term) => term.length > 0, {
    error: 'expected a business or category name, received an empty one',
  });

/**
 * A profile ready to store: flags and opt-outs normalised, an unknown or empty one refused with
 * the field named (`flags[1]: unknown flag "vip"; ...`). What every `UserDirectory.save` stores.
 */
export const normaliseProfile = (profile: UserProfile): UserProfile => {
  profile.flags.forEach((flag, index) => {
    const normal = flag.trim().toLowerCase();
    if (!knownFlags.includes(normal)) throw new ValidationError(`flags[${index}]`, unknownFlag(flag));
  });
  profile.optOuts.forEach((optOut, index) => {
    if (optOut.trim() === '')
      throw new ValidationError(
        `optOuts[${index}]`,
        'expected a business or category name, received an empty one',
      );
  });
  return {
    id: profile.id,
    timeZone: profile.timeZone,
    flags: normaliseTerms(profile.flags),
    optOuts: normaliseTerms(profile.optOuts),
  };
};

/** Where two entries of a list name the same user: the later index and the first, or undefined. */
export const firstDuplicate = (ids: readonly string[]): { index: number; first: number } | undefined => {
  const seen = new Map<string, number>();
  for (const [index, id] of ids.entries()) {
    const first = seen.get(id);
    if (first !== undefined) return { index, first };
    seen.set(id, index);
  }
  return undefined;
};
