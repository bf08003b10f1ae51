import type { RuleInput } from '../../domain/routing/bus-rules.ts';

/** The EventBridge input transformer of a rule input, as the CDK stack renders it too. */
export interface InputTransformer {
  readonly inputPathsMap: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

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
