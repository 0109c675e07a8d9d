import { describe, expect, it } from '@jest/globals';
import { containsAny, matchesAny, normalize } from '../../src/core/text.js';

describe('text matching', () => {
  it('ignores case, accents and punctuation', () => {
    expect(normalize('  Français!! ')).toBe('francais');
    expect(matchesAny('NEDERLANDS', ['Nederlands'])).toBe(true);
    expect(matchesAny('', ['help'])).toBe(false);
  });

  it('finds phrases as whole words only', () => {
    expect(containsAny("Je suis inquiet pour un élève", ['inquiet pour un eleve'])).toBe(true);
    expect(containsAny('helpful', ['help'])).toBe(false);
  });
});
