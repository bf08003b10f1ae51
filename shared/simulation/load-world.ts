import { ValidationError } from '../domain/errors.ts';
import { firstDuplicate } from '../domain/users/profile-terms.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { registerDevice } from '../use-cases/register-device.ts';
import type { Scenario } from './scenario.ts';

/**
 * Puts a scenario's users, devices and relations in place before its events run. Scenarios built
 * in code (the demo) skip `parseScenario`, so the users are checked here too: every profile is
 * normalised by `save`, which refuses an unknown flag, and a user id given twice is refused.
 */
export const loadWorld = async (ports: HeraldPorts, scenario: Scenario): Promise<void> => {
  const duplicate = firstDuplicate(scenario.users.map((user) => user.id));
  if (duplicate)
    throw new ValidationError(
      `$.users[${duplicate.index}].id`,
      `duplicate user id "${scenario.users[duplicate.index]!.id}" (first at $.users[${duplicate.first}])`,
    );
  await Promise.all(
    scenario.users.map((user, index) =>
      ports.users.save(user).catch((error: unknown) => {
        if (!(error instanceof ValidationError)) throw error;
        throw new ValidationError(`$.users[${index}].${error.field}`, error.reason, { cause: error });
      }),
    ),
  );
  // One by one: registrations of the same user update one item.
  for (const device of scenario.devices) await registerDevice(device, ports);
  await Promise.all(
    scenario.relations.map((r) =>
      ports.relations.apply({
        kind: 'put',
        relation: {
          type: r.type,
          from: r.from,
          to: r.to,
          since: new Date(r.since ?? scenario.start),
          ...(r.expiresAt ? { expiresAt: new Date(r.expiresAt) } : {}),
        },
      }),
    ),
  );
};
