import type { RuleInput } from '../../domain/routing/bus-rules.ts';
import type { InputTransformer } from '../../event-patterns/index.ts';

/**
 * `{constants, eventField}` becomes a template holding the constants as JSON and the whole
 * event under `eventField`. The local bus applies it with the same semantics as EventBridge.
 */
export const toInputTransformer = (input: RuleInput): InputTransformer => {
  const constants = Object.entries(input.constants).map(
    ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
  );
  return {
    inputPathsMap: { [input.eventField]: '$' },
    inputTemplate: `{${[...constants, `${JSON.stringify(input.eventField)}:<${input.eventField}>`].join(',')}}`,
  };
};
