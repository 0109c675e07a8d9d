import { describe, expect, it } from '@jest/globals';
import { containsAny, matchesAny, normalize, normalizePhrase, rememberedPhraseCount } from '../../src/core/text.js';

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

  it('remembers catalogue phrases, never what users type (a message must not linger in memory)', () => {
    const before = rememberedPhraseCount();
    for (let i = 0; i < 50; i++) {
      expect(normalize(`Jan Peeters ${i} from class 3B`)).toBe(`jan peeters ${i} from class 3b`);
      expect(matchesAny(`Jan Peeters ${i}`, ['menu'])).toBe(false);
      expect(containsAny(`worried about Jan ${i}`, ['worried about'])).toBe(true);
    }
    // Only the two catalogue phrases were added.
    expect(rememberedPhraseCount()).toBe(before + 2);
    expect(normalizePhrase('Menu!')).toBe('menu');
  });
});
