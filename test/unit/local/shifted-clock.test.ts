import { describe, expect, it } from 'vitest';
import { clockStartingAt } from '../../../shared/local/shifted-clock.ts';

describe('clockStartingAt', () => {
  it('reads the given instant at first, then advances as the wall clock does', () => {
    let wall = Date.parse('2030-01-01T00:00:00Z');
    const clock = clockStartingAt(new Date('2026-11-21T13:00:00Z'), () => wall);

    const first = clock.now().toISOString();
    wall += 90_000;
    const later = clock.now().toISOString();

    expect([first, later]).toEqual(['2026-11-21T13:00:00.000Z', '2026-11-21T13:01:30.000Z']);
  });
});
