import { functionPorts, type HeraldFunctionName, variablesOf } from '../functions/port-environment.ts';

/**
 * The values of the functions' environment variables, each provided by the construct that owns
 * the resource (a table's name, a queue's URL), and handed to each function only for the ports
 * its handler uses (functions/port-environment.ts).
 *
 * @example
 * environment.provide({ [envName.fanoutQueueUrl]: queue.queueUrl });
 * new HeraldFunction(this, 'Worker', { ..., environment: environment.of('fanoutWorker') });
 */
export class FunctionEnvironment {
  readonly #values = new Map<string, string>();

  /** Adds variables; an undefined value (an unconfigured platform) is left out. */
  provide(values: Readonly<Record<string, string | undefined>>): this {
    for (const [name, value] of Object.entries(values)) {
      if (this.#values.has(name)) throw new Error(`environment variable ${name} is provided twice`);
      if (value !== undefined) this.#values.set(name, value);
    }
    return this;
  }

  /**
   * Exactly the variables of the ports `fn` uses, and `own` ones only it reads. A required
   * variable no construct has provided yet fails the synth, naming it.
   */
  of(fn: HeraldFunctionName, own: Readonly<Record<string, string>> = {}): Record<string, string> {
    const { required, optional } = variablesOf(functionPorts[fn]);
    const missing = required.filter((name) => !this.#values.has(name));
    if (missing.length > 0) {
      throw new Error(`environment of ${fn}: nothing in the stack provides ${missing.join(', ')} (yet)`);
    }
    const present = [...required, ...optional].filter((name) => this.#values.has(name));
    return { ...Object.fromEntries(present.map((name) => [name, this.#values.get(name)!])), ...own };
  }
}
