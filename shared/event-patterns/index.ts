/**
 * The Amazon EventBridge event-pattern language, locally: compile and validate patterns as AWS
 * does, match events (one pattern, or many named rules at once), and render target input
 * transformers. No AWS SDK involved.
 */
export { type CompiledPattern, compilePattern } from './compile.ts';
export {
  EventPatternError,
  InvalidEventError,
  InvalidEventPatternError,
  InvalidInputTransformerError,
} from './errors.ts';
export { type NamedPattern, PatternIndex } from './index-of-rules.ts';
export {
  applyInputTransformer,
  type InputTransformer,
  type InputTransformerContext,
} from './input-transformer.ts';
export type { Branch, FieldCondition } from './match.ts';
export { testEventPattern } from './test-event-pattern.ts';
export { ENVELOPE_FIELDS, ParsedEvent, validateEventEnvelope } from './validate.ts';
