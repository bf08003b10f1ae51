import { describe, expect, it } from 'vitest';
import { placeholdersOf, renderTemplate } from '../../../shared/domain/push/template.ts';

describe('renderTemplate', () => {
  it('fills placeholders from nested values', () => {
    expect(
      renderTemplate('{{detail.title}}: {{ detail.price }} {{detail.currency}}', {
        detail: { title: 'Lamp', price: 22, currency: 'EUR' },
      }),
    ).toBe('Lamp: 22 EUR');
  });

  it('never expands a placeholder that arrives inside a value', () => {
    expect(renderTemplate('{{detail.title}}', { detail: { title: '{{detail.secret}}', secret: 'x' } })).toBe(
      '{{detail.secret}}',
    );
  });

  it('drops control characters from values and prints missing values as nothing', () => {
    expect(
      renderTemplate('[{{detail.title}}][{{detail.missing}}]', {
        detail: { title: 'a\u0000b\u2028c\u001bd' },
      }),
    ).toBe('[abcd][]');
  });

  it('does not read inherited properties', () => {
    expect(renderTemplate('{{detail.constructor}}', { detail: {} })).toBe('');
  });

  it('lists the placeholders a template uses', () => {
    expect(placeholdersOf('{{detail.a}} and {{ detail.b }}')).toEqual(['detail.a', 'detail.b']);
  });
});
