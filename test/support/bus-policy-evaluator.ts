/**
 * A small model of how IAM judges one PutEvents entry against a bus's resource policy, enough to
 * check what Herald's statements mean rather than how they are spelled. It knows the statement
 * shapes Herald renders: AWS principals (`*`, an account's root, a role), StringEquals and
 * StringNotEquals on `events:source`, `aws:PrincipalAccount` and `aws:PrincipalArn`.
 */

export interface PolicyStatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: '*' | { readonly AWS: unknown };
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Who calls: an assumed role, by account and role ARN, and whether its own identity policy allows PutEvents. */
export interface Caller {
  readonly account: string;
  readonly arn: string;
  readonly identityAllows: boolean;
}

/** CloudFormation's intrinsics as they resolve in `heraldAccount`, in partition `aws`. */
const resolve = (value: unknown, heraldAccount: string): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolve(v, heraldAccount));
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.Ref === 'AWS::Partition') return 'aws';
    if (v.Ref === 'AWS::AccountId') return heraldAccount;
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => resolve(p, heraldAccount)).join(separator);
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }
  return value;
};

const listOf = (value: unknown, heraldAccount: string): string[] =>
  [resolve(value, heraldAccount)].flat().map(String);

const principalMatches = (
  principal: PolicyStatementJson['Principal'],
  caller: Caller,
  heraldAccount: string,
) => {
  if (principal === '*') return true;
  return listOf(principal.AWS, heraldAccount).some(
    (p) => p === '*' || p === caller.arn || p === `arn:aws:iam::${caller.account}:root`,
  );
};

const conditionMatches = (
  condition: PolicyStatementJson['Condition'] = {},
  context: Readonly<Record<string, string>>,
  heraldAccount: string,
) =>
  Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      const value = context[key];
      if (value === undefined) throw new Error(`no context key ${key}`);
      const listed = listOf(values, heraldAccount).includes(value);
      if (operator === 'StringEquals') return listed;
      if (operator === 'StringNotEquals') return !listed;
      throw new Error(`unknown operator ${operator}`);
    }),
  );

/**
 * The verdict on one entry: an explicit deny wins; otherwise a caller of Herald's account needs an
 * allow from its identity policy or the bus's, and a caller of another account needs the bus's
 * (its own account's permission is taken as given).
 */
export const evaluate = (
  statements: readonly PolicyStatementJson[],
  caller: Caller,
  source: string,
  heraldAccount: string,
): 'allowed' | 'denied' => {
  const context = {
    'events:source': source,
    'aws:PrincipalAccount': caller.account,
    'aws:PrincipalArn': caller.arn,
  };
  const applying = statements.filter(
    (s) =>
      principalMatches(s.Principal, caller, heraldAccount) &&
      conditionMatches(s.Condition, context, heraldAccount),
  );
  if (applying.some((s) => s.Effect === 'Deny')) return 'denied';
  const busAllows = applying.some((s) => s.Effect === 'Allow');
  const sameAccount = caller.account === heraldAccount;
  return busAllows || (sameAccount && caller.identityAllows) ? 'allowed' : 'denied';
};
