/**
 * A port built on its first use: the first member read (a method call, a field) builds it, and
 * every later read goes to that one instance. Copying the reference (`{ ...ports }`, as the
 * handlers do) builds nothing, so a function builds, and reads the environment of, only the
 * ports its code reaches.
 *
 * @example
 * const relations = lazyPort(() => new DynamoDbRelationStore(client, required('RELATIONS_TABLE')));
 * await relations.apply(change); // built here, once
 */
export const lazyPort = <T extends object>(build: () => T): T => {
  let port: T | undefined;
  const built = (): T => {
    port ??= build();
    return port;
  };
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = built();
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the instance itself, where its private fields live.
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (_, key) => Reflect.has(built(), key),
    ownKeys: () => Reflect.ownKeys(built()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(built(), key);
      // The proxy's own target is an empty object: a property may only be reported configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(built()),
  });
};

/** Each port of `builders` as a lazy port (`lazyPort`). */
export const lazyPorts = <P extends { [K in keyof P]: object }>(
  builders: { readonly [K in keyof P]: () => P[K] },
): P =>
  Object.fromEntries(
    Object.entries(builders).map(([name, build]) => [name, lazyPort(build as () => object)]),
  ) as P;
