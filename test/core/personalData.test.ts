import { describe, expect, it } from '@jest/globals';
import { containsPersonalData } from '../../src/core/personalData.js';
import type { Language } from '../../src/i18n/languages.js';

const refused: [Language, string, string][] = [
  ['en', 'Ahmed has been talking about it', 'personalData:name'],
  ['en', 'my pupil emma is quiet lately', 'personalData:name'],
  ['nl', 'Het gaat over Lotte uit 3B', 'personalData:name'],
  ['fr', 'Il s’agit de Lucas', 'personalData:name'],
  ['de', 'Es geht um Jonas aus der 8b', 'personalData:name'],
  ['de', 'es geht um jonas', 'personalData:name'],
  ['en', 'the boy J.D. in year 9', 'personalData:name'],
  ['en', 'born 12/03/2011', 'personalData:date'],
  ['nl', 'geboren op 3 mei 2011', 'personalData:date'],
  ['fr', 'né le 1er avril 2012', 'personalData:date'],
  ['en', 'write to parent@example.com', 'personalData:email'],
  ['en', 'his account @dark_truth_88', 'personalData:handle'],
  ['nl', 'bel 06 12345678', 'personalData:phone'],
  ['en', 'lives at 12 Church Street', 'personalData:address'],
  ['nl', 'woont in de Kerkstraat 12', 'personalData:address'],
  ['de', 'wohnt Hauptstraße 5', 'personalData:address'],
  ['fr', 'habite rue de la Paix 4', 'personalData:address'],
  ['nl', 'postcode 2000 AB', 'personalData:address'],
];

const allowed: [Language, string][] = [
  ['en', 'Please call me after 3 pm, I will be in the staff room'],
  ['nl', 'Ik ben bereikbaar na de lessen, liefst op dinsdag'],
  ['fr', 'Je préfère être rappelé le matin'],
  // German capitalises every noun: none of these is a name.
  ['de', 'Bitte rufen Sie mich nach dem Unterricht an, am liebsten am Dienstag in der Pause'],
  ['en', 'Year 9, about the lesson on 9/11 and the news'],
];

describe('containsPersonalData', () => {
  it.each(refused)('refuses (%s) "%s"', (lang, text, reason) => {
    expect(containsPersonalData(text, lang)).toBe(reason);
  });

  it.each(allowed)('accepts (%s) "%s"', (lang, text) => {
    expect(containsPersonalData(text, lang)).toBeUndefined();
  });
});

describe('containsPersonalData: forms found missing in review', () => {
  it.each([
    ['about yusuf in 3B, born March 12, 2011', 'en', 'personalData:date'],
    ['geboren maart 2011', 'nl', 'personalData:date'],
    ['né en 03/2011', 'fr', 'personalData:date'],
    ['3 sept 2010', 'fr', 'personalData:date'],
    ['12 mrt. 2011', 'nl', 'personalData:date'],
    ['mum: 0471/123456', 'en', 'personalData:phone'],
    ['０４７１ １２３ ４５６', 'nl', 'personalData:phone'],
    ['j.peeters(at)school.be', 'en', 'personalData:email'],
    ['j.peeters [at] school [dot] be', 'en', 'personalData:email'],
    ['woont in de Kerkstraat', 'nl', 'personalData:address'],
    ['wohnt in der Hauptstraße', 'de', 'personalData:address'],
    ['habite rue de la Paix', 'fr', 'personalData:address'],
    ['lives on Station Road', 'en', 'personalData:address'],
    ['Ahmet from class 7b', 'en', 'personalData:name'],
    ['Youssef is worried', 'en', 'personalData:name'],
  ] as const)('%s (%s) is refused: %s', (text, lang, reason) => {
    expect(containsPersonalData(text, lang)).toBe(reason);
  });

  it.each([
    ['the school year 2026-2027', 'en'],
    ['voor 2026/27 graag meer', 'nl'],
    ['Preferably on Wednesday afternoons', 'en'],
    ['Graag op woensdagnamiddag', 'nl'],
    ['Plus de temps pour la formation en ligne', 'fr'],
    ['Bitte mehr Fortbildung zur Radikalisierung', 'de'],
  ] as const)('%s (%s) is not refused', (text, lang) => {
    expect(containsPersonalData(text, lang)).toBeUndefined();
  });
});

describe('containsPersonalData: bounded work on any input', () => {
  // Anyone can type into the web chat: each of these took seconds (quadratic patterns) before the
  // repetitions were bounded, blocking every other conversation meanwhile. Generous limits, since the
  // machine is shared; the unbounded patterns missed them by a factor of ten and more.
  it.each([
    ['2 000 characters that NFKC expands fivefold', '㌇'.repeat(2000)],
    ['60 000 letters in one run', 'a'.repeat(60_000)],
    ['10 000 dotted letters', 'a.'.repeat(5000)],
    ['a long local part with no domain', `${'b'.repeat(20_000)}@`],
    ['capitals before no street word', 'Ab'.repeat(10_000)],
  ])('%s is checked in well under a second', (_what, text) => {
    const started = performance.now();
    containsPersonalData(text, 'en');
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('still finds what a long text hides in it', () => {
    expect(containsPersonalData(`${'word '.repeat(1000)}mail me at jan.peeters@school.example`, 'en')).toBe('personalData:email');
    expect(containsPersonalData(`${'a'.repeat(5000)} Kerkstraat 12`, 'nl')).toBe('personalData:address');
  });
});

describe('containsPersonalData: any run of spaces reads as one', () => {
  // The patterns allow a few spaces between a date's or an address's parts; text that is not an
  // answer reaches the check as typed, so runs of spaces must not hide it.
  it.each([
    ['nl', 'geboren op 3    mei    2010', 'personalData:date'],
    ['en', 'March    12, 2011', 'personalData:date'],
    ['nl', 'maart     2011', 'personalData:date'],
    ['fr', 'rue      de la Paix 4', 'personalData:address'],
    ['fr', 'rue    de la Paix', 'personalData:address'],
    ['en', 'jan (at)    school (dot) be', 'personalData:email'],
    ['en', 'a pupil born 3 \t March \n 2011', 'personalData:date'],
  ] as const)('(%s) "%s"', (lang, typed, reason) => {
    expect(containsPersonalData(typed, lang)).toBe(reason);
  });
});

describe('containsPersonalData: a class or an age, which with the school point to a pupil', () => {
  it.each([
    ['nl', 'de jongen uit 3B, woont naast de moskee'],
    ['en', 'the boy in 3b with the beard'],
    ['nl', 'een leerling van 14 jaar'],
    ['en', 'she is 14 years old'],
    ['fr', 'un élève de 14 ans'],
    ['de', 'ein 14-jähriger Schüler'],
  ] as const)('(%s) "%s"', (lang, typed) => {
    expect(containsPersonalData(typed, lang)).toBe('personalData:classOrAge');
  });

  it.each([
    ['en', 'Best after 15:30, I teach until then.'],
    ['en', 'call after 4 pm please'],
    ['nl', 'liefst op woensdagnamiddag'],
    ['fr', 'rappelez-moi après 16h'],
    ['nl', 'bel me na 16u'],
    ['nl', 'vorming voor de 2e graad'],
    ['de', 'bitte 2x versuchen'],
    ['en', 'a similar case 2 years ago'],
    ['fr', 'je suis dans cette école depuis 10 ans'],
    ['nl', 'ik geef al 10 jaar les'],
  ] as const)('(%s) "%s" is fine', (lang, typed) => {
    expect(containsPersonalData(typed, lang)).toBeUndefined();
  });
});


describe('containsPersonalData: hours of the day, as a note on when to call holds them', () => {
  it.each([
    ['nl', 'Bereikbaar van 8.30-12.00'],
    ['nl', 'ma-vr 9.00-11.30'],
    ['nl', 'liefst tussen 14.00 tot 16.00 uur'],
    ['de', 'am besten 8.30 - 12.00 Uhr'],
    ['de', 'Mo–Fr 9.00 bis 11.30'],
    ['fr', 'plutôt de 8h30 à 12h'],
    ['en', 'best between 9:00 – 11:30'],
    ['nl', 'bel tussen 9-11.30'],
    ['nl', 'van 14-16.00'],
    ['nl', '8.30-12.00 13.00-16.00'],
  ] as const)('accepts (%s) "%s"', (lang, text) => {
    expect(containsPersonalData(text, lang)).toBeUndefined();
  });

  it.each([
    ['nl', 'geboren 12.03.2011', 'personalData:date'],
    ['en', 'born 12-3-11', 'personalData:date'],
    ['en', 'born 12.03-20.11.2011', 'personalData:date'],
    ['nl', 'bel 8.30-12.00 of 0470 12 34 56', 'personalData:phone'],
    ['fr', 'né le 2011-03-12', 'personalData:date'],
    ['nl', 'bel 06-12.34 56 78', 'personalData:date'],
    ['nl', 'tel 06-12.34 5678', 'personalData:date'],
  ] as const)('still refuses (%s) "%s"', (lang, text, reason) => {
    expect(containsPersonalData(text, lang)).toBe(reason);
  });
});
