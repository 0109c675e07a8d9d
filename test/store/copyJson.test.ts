import { describe, expect, it } from '@jest/globals';
import { copyJson } from '../../src/store/copyJson.js';

describe('copyJson', () => {
  const stack = [
    { dialogId: 'logContact', step: 'askTags', values: { tags: ['visit'], when: '2026-11-24', nested: { n: 1, ok: true, none: null } }, args: {}, waiting: 'prompt' },
  ];

  it('copies a dialog stack deeply: changing the copy leaves the original as it was', () => {
    const copy = copyJson(stack);
    expect(copy).toEqual(stack);
    (copy[0]!.values.tags as string[]).push('call');
    copy[0]!.values.nested.n = 2;
    copy[0]!.step = 'done';
    copy.pop();
    expect(stack).toHaveLength(1);
    expect(stack[0]!.values.tags).toEqual(['visit']);
    expect(stack[0]!.values.nested.n).toBe(1);
    expect(stack[0]!.step).toBe('askTags');
  });

  it('gives the same result as a JSON round trip, undefined properties left out', () => {
    const value = { a: 1, b: undefined, c: [1, 'x', null, { d: undefined, e: false }], f: '' };
    expect(copyJson(value)).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(copyJson(null)).toBeNull();
    expect(copyJson('text')).toBe('text');
  });
});
