import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lazyPort } from '../../../functions/lazy-port.ts';
import {
  appPlatformApplicationsEnv,
  envName,
  platformApplicationEnv,
} from '../../../functions/port-environment.ts';

const heraldVariables = new Set<string>([
  ...Object.values(envName),
  ...Object.values(platformApplicationEnv),
  appPlatformApplicationsEnv,
]);

/** The environment every test starts from: the process's, without any of Herald's variables. */
const original: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1' };

/** Imports a fresh lambda-ports module (its ports are built once per module) under `env`. */
const portsUnder = async (env: Record<string, string>) => {
  vi.resetModules();
  const read: string[] = [];
  const recorded = new Proxy(
    { ...original, ...env },
    {
      get: (target, key) => {
        if (typeof key === 'string' && heraldVariables.has(key)) read.push(key);
        return Reflect.get(target, key);
      },
    },
  );
  process.env = recorded;
  const { lambdaPorts } = await import('../../../functions/lambda-ports.ts');
  return { ports: lambdaPorts(), read };
};

describe('lambdaPorts', () => {
  const saved = process.env;
  beforeEach(() => {
    for (const name of heraldVariables) delete original[name];
  });
  afterEach(() => {
    process.env = saved;
  });

  it('reads no variable until a port is used, even when the handler copies the ports', async () => {
    const { ports, read } = await portsUnder({});

    const copy = { ...ports, shouldYield: () => false };

    expect(Object.keys(copy)).toContain('relations');
    expect(read).toEqual([]);
  });

  it('reads only the variables of the port a function uses', async () => {
    const { ports, read } = await portsUnder({ [envName.relationsTable]: 'herald-relations' });

    expect(typeof ports.relations.apply).toBe('function');

    expect(read).toEqual([envName.relationsTable]);
  });

  it('fails the first use of a port whose variable is missing, naming the variable', async () => {
    const { ports } = await portsUnder({ [envName.relationsTable]: 'herald-relations' });

    expect(() => ports.devices.devicesOf).toThrow(envName.devicesTable);
    expect(() => ports.holds.hold).toThrow(envName.holdScheduleGroup);
  });

  it('builds the push gateway with only the platforms that are configured', async () => {
    const { ports, read } = await portsUnder({ [platformApplicationEnv.APNS]: 'arn:aws:sns:x:1:app/APNS/h' });

    await expect(ports.gateway.createEndpoint('default', 'FCM', 'token', 'u1')).rejects.toThrow(/FCM/);
    expect(read.sort()).toEqual(
      [...Object.values(platformApplicationEnv), appPlatformApplicationsEnv].sort(),
    );
  });
});

describe('lazyPort', () => {
  class Counter {
    readonly #step: number;
    count = 0;
    constructor(step: number) {
      this.#step = step;
    }
    add(): number {
      this.count += this.#step;
      return this.count;
    }
  }

  it('builds once, on first use, and runs methods on the instance (private fields work)', () => {
    const build = vi.fn(() => new Counter(2));
    const counter = lazyPort(build);
    expect(build).not.toHaveBeenCalled();

    const { add } = counter;
    add();
    counter.add();

    expect(build).toHaveBeenCalledTimes(1);
    expect(counter.count).toBe(4);
    expect(Object.getPrototypeOf(counter)).toBe(Counter.prototype);
    expect({ ...counter }).toEqual({ count: 4 });
  });
});
