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
