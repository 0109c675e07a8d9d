import { describe, expect, it } from '@jest/globals';
import { ByteBuilder } from '../../src/store/byteBuilder.js';

describe('ByteBuilder', () => {
  it('gives the UTF-8 bytes of what was added, growing past its first size and keeping what it had', () => {
    const builder = new ByteBuilder(8, 1024);
    const parts = ['ab', 'École ’—', '😀👩‍🏫', 'x'.repeat(100), 'Ελληνικά'];
    for (const part of parts) builder.add(part).newline();
    expect(builder.bytes().toString('utf8')).toBe(parts.map((p) => `${p}\n`).join(''));
    expect(builder.length).toBe(Buffer.byteLength(parts.map((p) => `${p}\n`).join('')));
  });

  it('starts again empty after clear, and drops a buffer larger than it keeps', () => {
    const builder = new ByteBuilder(8, 64);
    builder.add('y'.repeat(500));
    builder.clear();
    expect(builder.length).toBe(0);
    expect(builder.add('z').bytes().toString()).toBe('z');
  });
});
