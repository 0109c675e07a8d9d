import { describe, expect, it } from '@jest/globals';
import { textChecks } from '../../src/core/textChecks.js';
import { realDirectory } from '../helpers/fixtures.js';

describe('the phone number check', () => {
  it.each([
    '+32 3 555 77 88',
    '0470 12 34 56',
    '0470/123456',
    'gsm: 0470 12 34 56',
    'tel. +32 3 555 77 88',
    'Handy: 0170 1234567',
    'gsm 0470 12 34 56',
    'Tel.: 09 123 45 67',
    'Tél. : 04 123 45 67',
    '0470 12 34 56 (gsm)',
    '+32 (0) 470 / 12 34 56',
    'Telefoon: 0470 12 34 56',
    'Telefon: 0170 1234567',
    'Téléphone : 04 70 12 34 56',
    'Telephone: 020 7946 0958',
    'Mobiel 0470 12 34 56',
  ])('takes "%s"', async (typed) => {
    expect(textChecks.phone(typed, 'en', { directory: await realDirectory() })).toBeUndefined();
  });

  it.each(['call me maybe', 'gsm', 'gsm: ask the office', '12345', 'my number: 12', 'Yusuf: 0470 12 34 56', 'Yusuf 0470 12 34 56', 'Telly 0470 12 34 56', 'Telfort: 0470 12 34 56'])('refuses "%s"', async (typed) => {
    expect(textChecks.phone(typed, 'en', { directory: await realDirectory() })).toBe('callback:invalidPhone');
  });
});
