import { readFile } from 'node:fs/promises';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';
import { normalize, normalizeUncached, wordsBegin } from '../core/text.js';
import type { Language } from '../i18n/languages.js';
import { directoryAsOf, type Directory, type LocalizedText, type Person, type School } from './schema.js';
import { describeAt as describeJsonError, locateJsonError } from './jsonError.js';

export type Role = 'teacher' | 'liaison' | 'coordinator';
export type PlatformChannel = 'web' | 'slack' | 'teams' | 'test';

/** Read-only lookups over the validated local directory. */
export class DirectoryView {
  constructor(readonly data: Directory) {}

  /** Built on first use: a region may list thousands of schools, and every turn looks one up. */
  private schoolsById: Map<string, School> | undefined;
  private searchIndex: { school: School; name: string; words: string[] }[] | undefined;

  school(id: string | undefined): School | undefined {
    if (id === undefined) return undefined;
    this.schoolsById ??= new Map(this.data.schools.map((s) => [s.id, s]));
    return this.schoolsById.get(id);
  }

  /**
   * Schools whose name matches what a user typed, best first: the exact name, then names that start
   * with it, then names in which every typed word begins a word ("jan berch" finds "Sint-Jan
   * Berchem"), then names that contain it anywhere ("chem" finds it too). Case, accents
   * and punctuation are ignored. Nothing typed, nothing found.
   */
  searchSchools(query: string): School[] {
    const typed = normalize(query);
    if (typed === '') return [];
    const typedWords = typed.split(' ');
    this.searchIndex ??= this.data.schools.map((school) => {
      // Not through normalizePhrase's cache: thousands of names would crowd out the catalogue phrases it is for.
      const name = normalizeUncached(school.name);
      return { school, name, words: name.split(' ') };
    });
    const ranked: { school: School; rank: number }[] = [];
    for (const entry of this.searchIndex) {
      const rank =
        entry.name === typed
          ? 0
          : entry.name.startsWith(typed)
            ? 1
            : wordsBegin(typedWords, entry.words)
              ? 2
              : entry.name.includes(typed)
                ? 3
                : -1;
      if (rank >= 0) ranked.push({ school: entry.school, rank });
    }
    // "Basisschool 2" before "Basisschool 10".
    return ranked.sort((a, b) => a.rank - b.rank || a.school.name.localeCompare(b.school.name, undefined, { numeric: true })).map((r) => r.school);
  }

  person(id: string | undefined): Person | undefined {
    return id === undefined ? undefined : this.data.people.find((p) => p.id === id);
  }

  liaisonFor(schoolId: string): Person | undefined {
    return this.person(this.school(schoolId)?.liaisonId);
  }

  /** Roles come from the directory, identity from the platform: only Slack/Teams ids can hold a role. */
  personByPlatformId(channel: PlatformChannel, platformUserId: string | undefined): Person | undefined {
    if (!platformUserId) return undefined;
    if (channel === 'slack') return this.data.people.find((p) => p.slackUserId === platformUserId);
    if (channel === 'teams') return this.data.people.find((p) => p.teamsUserId === platformUserId);
    // The test channel exists only in tests (no route receives it); there the directory id is the identity.
    if (channel === 'test') return this.data.people.find((p) => p.id === platformUserId);
    return undefined;
  }

  roleFor(channel: PlatformChannel, platformUserId: string | undefined): Role {
    return this.personByPlatformId(channel, platformUserId)?.role ?? 'teacher';
  }
}

export function localized(text: LocalizedText, lang: Language): string {
  return text[lang];
}

/**
 * Parses directory JSON text; every problem is reported with its JSON path. `now` is the moment the
 * protocol's dates are checked against (not later than today in the directory's time zone).
 */
export function parseDirectory(json: string, source: string, now: Date = new Date()): DirectoryView {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    // JSON.parse names a character offset, or nothing: an editor needs the line and what is wrong there.
    const parseMessage = (err as Error).message;
    const offset = /at position (\d+)/.exec(parseMessage)?.[1];
    const found = locateJsonError(json) ?? (offset === undefined ? undefined : describeJsonError(json, Number(offset), parseMessage.replace(/ in JSON at position \d+.*$/s, '')));
    if (!found) throw new CodedError(ErrorCode.DirectoryInvalid, `Directory ${source} is not valid JSON: ${parseMessage}`);
    throw new CodedError(
      ErrorCode.DirectoryInvalid,
      `Directory ${source} is not valid JSON: line ${found.line}, column ${found.column}: ${found.problem}\n${found.excerpt}`,
    );
  }
  const result = directoryAsOf(now).safeParse(raw);
  if (!result.success) {
    throw new CodedError(
      ErrorCode.DirectoryInvalid,
      `Directory ${source} has ${result.error.issues.length} problem(s):\n${formatIssues(result.error.issues)}`,
    );
  }
  return new DirectoryView(result.data);
}

export async function loadDirectory(file: string, now: Date = new Date()): Promise<DirectoryView> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (err) {
    throw new CodedError(ErrorCode.DirectoryInvalid, `Directory ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseDirectory(json, file, now);
}
