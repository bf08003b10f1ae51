import { Stack } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import {
  AccountPrincipal,
  AnyPrincipal,
  ArnPrincipal,
  Effect,
  type IPrincipal,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Construct, type IDependable } from 'constructs';
import { accountOf, isAccount, type Publisher } from '../publishers.ts';

export interface BusAccessProps {
  readonly bus: EventBus;
  /** Who may put which sources (context `publishers`); none, the bus keeps no resource policy. */
  readonly publishers: readonly Publisher[];
}

/** EventBridge refuses a bus policy over 10 KB. */
export const MAX_BUS_POLICY_BYTES = 10_240;

const PUT_EVENTS = 'events:PutEvents';

const principalOf = (publisher: Publisher): IPrincipal =>
  isAccount(publisher.principal)
    ? new AccountPrincipal(publisher.principal)
    : new ArnPrincipal(publisher.principal);

/** The condition naming a caller: any principal of an account, or one role (every session of it). */
const callerIs = (publisher: Publisher) =>
  isAccount(publisher.principal)
    ? { 'aws:PrincipalAccount': publisher.principal }
    : { 'aws:PrincipalArn': publisher.principal };

/**
 * Per-team access to the bus: each publisher may put its own sources and only those; nobody else
 * may put them; no other account may put anything. Three statements per publisher:
 *
 * - allow the principal PutEvents when `events:source` is one of its sources (what lets another
 *   account, or a role without an identity policy, publish at all);
 * - deny the principal any other source (a same-account role whose identity policy allows every
 *   PutEvents is held to its sources all the same: an explicit deny wins);
 * - deny every other caller its sources (another team cannot pass for it).
 *
 * And one more: deny every caller outside Herald's account and the publishers'. Herald's own
 * putters (the canary's schedule, `herald.*` sources) stay in the account, under identity policies.
 */
export class BusAccess extends Construct {
  /** Each statement as rendered (bus ARN unresolved), for the size check and tests. */
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: BusAccessProps) {
    super(scope, id);
    const { bus, publishers } = props;
    if (publishers.length === 0) {
      this.statements = [];
      return;
    }
    const resources = [bus.eventBusArn];
    // A statement's id is its policy's physical name, unique in the account: the stack's name leads.
    const prefix = Stack.of(this).stackName.slice(0, 30);
    const statement = (
      sid: string,
      effect: Effect,
      principal: IPrincipal,
      conditions: Record<string, unknown>,
    ) =>
      new PolicyStatement({
        sid: `${prefix}-${sid}`,
        effect,
        principals: [principal],
        actions: [PUT_EVENTS],
        resources,
        conditions,
      });
    const statements = publishers.flatMap((publisher, i) => {
      const sources = { 'events:source': [...publisher.sources] };
      return [
        statement(`p${i}-own-sources`, Effect.ALLOW, principalOf(publisher), { StringEquals: sources }),
        statement(`p${i}-no-other-source`, Effect.DENY, principalOf(publisher), { StringNotEquals: sources }),
        statement(`p${i}-sources-only-theirs`, Effect.DENY, new AnyPrincipal(), {
          StringEquals: sources,
          StringNotEquals: callerIs(publisher),
        }),
      ];
    });
    const roles = publishers.filter((p) => !isAccount(p.principal)).map((p) => p.principal);
    const accounts = [...new Set(publishers.filter((p) => isAccount(p.principal)).map((p) => p.principal))];
    statements.push(
      statement('other-accounts', Effect.DENY, new AnyPrincipal(), {
        StringNotEquals: {
          'aws:PrincipalAccount': [Stack.of(this).account, ...accounts],
          ...(roles.length > 0 ? { 'aws:PrincipalArn': roles } : {}),
        },
      }),
    );
    checkSize(statements, publishers);
    this.statements = statements;
    let previous: IDependable | undefined;
    for (const s of statements) {
      const { policyDependable } = bus.addToResourcePolicy(s);
      // One PutPermission at a time: each rewrites the bus's one policy document.
      if (previous && policyDependable instanceof Construct) policyDependable.node.addDependency(previous);
      previous = policyDependable;
    }
  }
}

/** Fails the synth, not the deploy, when the policy would pass EventBridge's 10 KB. */
const checkSize = (statements: readonly PolicyStatement[], publishers: readonly Publisher[]) => {
  // The bus ARN, partition and account are tokens here: each counted as long as a bus ARN.
  const bytes = JSON.stringify(statements.map((s) => s.toJSON())).replaceAll(
    /\$\{Token\[[^\]]+\]\}/g,
    'x'.repeat(80),
  ).length;
  if (bytes > MAX_BUS_POLICY_BYTES)
    throw new Error(
      `context publishers: ${publishers.length} publishers (${new Set(publishers.map((p) => accountOf(p.principal))).size} accounts) ` +
        `make a bus policy of about ${bytes} bytes, over EventBridge's ${MAX_BUS_POLICY_BYTES}: ` +
        "group a team's roles under its account, or fewer sources per team",
    );
};
