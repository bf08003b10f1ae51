import type { RuleInput } from '../../domain/routing/bus-rules.ts';
import type { InputTransformer } from '../../event-patterns/index.ts';

/**
 * `{constants, eventField, quotes}` becomes a template holding the constants as JSON and the
 * whole event under `eventField`; a `<name>` the constants quote stays a placeholder, which the
 * transformer fills with the event's field (escaped, inside a string), as EventBridge does.
 */
export const toInputTransformer = (input: RuleInput): InputTransformer => {
  const constants = Object.entries(input.constants).map(
    ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
  );
  return {
    inputPathsMap: { ...input.quotes, [input.eventField]: '$' },
    inputTemplate: `{${[...constants, `${JSON.stringify(input.eventField)}:<${input.eventField}>`].join(',')}}`,
  };
};
