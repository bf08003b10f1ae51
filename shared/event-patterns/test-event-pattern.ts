import { compilePattern } from './compile.ts';
import { validateEventEnvelope } from './validate.ts';

/**
 * Local `aws events test-event-pattern`: validates the pattern (throwing `InvalidEventPatternError`)
 * and then the event (throwing `InvalidEventError`), and tells whether the pattern matches.
 */
export function testEventPattern(patternJson: string, eventJson: string): boolean {
  const pattern = compilePattern(patternJson);
  return pattern.matches(validateEventEnvelope(eventJson));
}
