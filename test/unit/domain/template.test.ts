import { describe, expect, it } from 'vitest';
import { placeholdersOf, renderDeepLink, renderTemplate } from '../../../shared/domain/push/template.ts';

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
  it.each([
    ['U+202E right-to-left override', '\u202e'],
    ['U+202A left-to-right embedding', '\u202a'],
    ['U+2067 right-to-left isolate', '\u2067'],
    ['U+2069 pop directional isolate', '\u2069'],
    ['U+200E left-to-right mark', '\u200e'],
    ['U+200F right-to-left mark', '\u200f'],
    ['U+061C Arabic letter mark', '\u061c'],
    ['U+200B zero-width space', '\u200b'],
    ['U+200C zero-width non-joiner', '\u200c'],
    ['U+2060 word joiner', '\u2060'],
    ['U+FEFF byte-order mark', '\ufeff'],
    ['U+200D zero-width joiner between letters', '\u200d'],
  ])('strips %s from values', (_, char) => {
    expect(renderTemplate('{{detail.title}}: 5 EUR', { detail: { title: `Lamp${char} x${char}` } })).toBe(
      'Lamp x: 5 EUR',
    );
  });

  it('keeps a title from visually rewriting the price with a right-to-left override', () => {
    const title = 'Lamp \u202eRUE 0001\u202c';

    expect(renderTemplate('{{detail.title}} for {{detail.price}}', { detail: { title, price: 5 } })).toBe(
      'Lamp RUE 0001 for 5',
    );
  });

  it('keeps the zero-width joiner inside emoji sequences, with skin tones and variation selectors', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const cook = '\u{1f469}\u{1f3fd}\u200d\u{1f373}';
    const rainbow = '\u{1f3f3}\ufe0f\u200d\u{1f308}';

    expect(renderTemplate('{{detail.title}}', { detail: { title: `${family} ${cook} ${rainbow}` } })).toBe(
      `${family} ${cook} ${rainbow}`,
    );
    expect(
      renderTemplate('{{detail.title}}', { detail: { title: `a\u200d\u{1f308} \u{1f468}\u200db` } }),
    ).toBe('a\u{1f308} \u{1f468}b');
  });

  it('leaves the template text itself alone', () => {
    expect(renderTemplate('\u200f{{detail.title}}', { detail: { title: 'x' } })).toBe('\u200fx');
  });
});

describe('renderDeepLink', () => {
  it('percent-encodes values so they cannot change the path, query or fragment', () => {
    expect(
      renderDeepLink('market://items/{{detail.itemId}}?ref={{detail.ref}}', {
        detail: { itemId: '../../admin/x?y=1#z', ref: 'a b&c=d' },
      }),
    ).toBe('market://items/..%2F..%2Fadmin%2Fx%3Fy%3D1%23z?ref=a%20b%26c%3Dd');
  });

  it('cannot change the scheme or host: colons, slashes and @ are encoded', () => {
    const link = renderDeepLink('https://shop.example/items/{{detail.itemId}}', {
      detail: { itemId: '@evil.example:80//x' },
    });

    expect(link).toBe('https://shop.example/items/%40evil.example%3A80%2F%2Fx');
    expect(new URL(link).host).toBe('shop.example');
    expect(new URL(link).pathname).toBe('/items/%40evil.example%3A80%2F%2Fx');
  });

  it('drops a value that is only a dot segment, which every URL parser would resolve', () => {
    for (const itemId of ['.', '..', '..\u200b']) {
      const link = renderDeepLink('https://shop.example/items/{{detail.itemId}}/buy', { detail: { itemId } });

      expect(new URL(link).pathname).toBe('/items//buy');
    }
  });

  it('strips bidi and zero-width characters before encoding', () => {
    expect(renderDeepLink('market://items/{{detail.itemId}}', { detail: { itemId: 'i\u202e1\u200b' } })).toBe(
      'market://items/i1',
    );
  });

  it('is what renderTemplate does for a template that starts with a scheme and //', () => {
    expect(renderTemplate('market://items/{{detail.itemId}}', { detail: { itemId: 'a/b' } })).toBe(
      'market://items/a%2Fb',
    );
    expect(renderTemplate('Note: {{detail.itemId}}', { detail: { itemId: 'a/b' } })).toBe('Note: a/b');
  });
});
