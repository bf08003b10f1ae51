import { z } from 'zod';

/**
 * A team that publishes on Herald's bus: its principal (an AWS account, or one IAM role) and the
 * event sources it owns. The bus lets it put those sources only, and nobody else put them.
 */
export interface Publisher {
  /** An account id (`111122223333`) or a role ARN (`arn:aws:iam::111122223333:role/listings`). */
  readonly principal: string;
  readonly sources: readonly string[];
}

const accountId = /^\d{12}$/;
const roleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Herald puts its own events (the canary's ping) under these sources; no team may own one. */
export const heraldSourcePrefix = 'herald.';

/** The account of a principal: itself, or the account in a role's ARN. */
export const accountOf = (principal: string): string =>
  accountId.test(principal) ? principal : principal.split(':')[4]!;

export const isAccount = (principal: string): boolean => accountId.test(principal);

/** An event source as PutEvents takes it; `aws.` sources are AWS's own, which no entry may claim. */
const source = z
  .string()
  .min(1, 'expected an event source')
  .max(256, 'an event source is at most 256 characters')
  .regex(/^[\w.\-/:]+$/, 'expected an event source: letters, digits and . - _ / :')
  .refine((s) => !s.startsWith('aws.'), { message: 'sources starting "aws." are AWS services\' own' })
  .refine((s) => !s.startsWith(heraldSourcePrefix), {
    message: `sources starting "${heraldSourcePrefix}" are Herald's own`,
  });

const publisher = z.strictObject({
  principal: z.string().refine((p) => accountId.test(p) || roleArn.test(p), {
    message: 'expected an account id (12 digits) or an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  }),
  sources: z.array(source).min(1, 'expected at least one event source'),
});

/**
 * The `registrars` context: the IAM roles of the apps' backends, the only callers that should
 * register devices. Roles only, never an account: a grant to an account reaches every role in it,
 * the app's own (Cognito identity pool) roles included, and registration trusts its caller to
 * have authenticated the user it names.
 */
export const registrarsSchema = z
  .array(
    z
      .string()
      .regex(roleArn, 'expected the IAM role ARN of an app backend (arn:aws:iam::<account>:role/<name>)'),
  )
  .superRefine((roles, context) => {
    roles.forEach((role, i) => {
      const first = roles.indexOf(role);
      if (first !== i)
        context.addIssue({
          code: 'custom',
          path: [i],
          message: `listed twice (first at registrars[${first}])`,
        });
    });
  });

/**
 * The `publishers` context: each principal once, each source owned by one publisher, since the
 * bus denies a source to everyone but its owner.
 */
export const publishersSchema = z.array(publisher).superRefine((publishers, context) => {
  const principals = new Map<string, number>();
  const owners = new Map<string, number>();
  publishers.forEach((p, i) => {
    const first = principals.get(p.principal);
    if (first !== undefined)
      context.addIssue({
        code: 'custom',
        path: [i, 'principal'],
        message: `listed twice (first at publishers[${first}]): give all its sources in one entry`,
      });
    principals.set(p.principal, i);
    p.sources.forEach((s, j) => {
      const owner = owners.get(s);
      if (owner !== undefined)
        context.addIssue({
          code: 'custom',
          path: [i, 'sources', j],
          message:
            owner === i
              ? `"${s}" is listed twice`
              : `"${s}" is already owned by publishers[${owner}]: a source has one owner`,
        });
      owners.set(s, i);
    });
  });
});
