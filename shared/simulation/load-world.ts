import type { HeraldPorts } from '../herald-ports.ts';
import { registerDevice } from '../use-cases/register-device.ts';
import type { Scenario } from './scenario.ts';

/** Puts a scenario's users, devices and relations in place before its events run. */
export const loadWorld = async (ports: HeraldPorts, scenario: Scenario): Promise<void> => {
  await Promise.all(scenario.users.map((user) => ports.users.save(user)));
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
