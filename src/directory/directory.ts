import { readFile } from 'node:fs/promises';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';
import type { Language } from '../i18n/languages.js';
import { Directory, type LocalizedText, type Person, type School } from './schema.js';

export type Role = 'teacher' | 'liaison' | 'coordinator';
export type PlatformChannel = 'web' | 'slack' | 'teams' | 'test';

/** Read-only lookups over the validated local directory. */
export class DirectoryView {
  constructor(readonly data: Directory) {}

  school(id: string | undefined): School | undefined {
    return id === undefined ? undefined : this.data.schools.find((s) => s.id === id);
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

/** Parses directory JSON text; every problem is reported with its JSON path. */
export function parseDirectory(json: string, source: string): DirectoryView {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new CodedError(ErrorCode.DirectoryInvalid, `Directory ${source} is not valid JSON: ${(err as Error).message}`);
  }
  const result = Directory.safeParse(raw);
  if (!result.success) {
    throw new CodedError(
      ErrorCode.DirectoryInvalid,
      `Directory ${source} has ${result.error.issues.length} problem(s):\n${formatIssues(result.error.issues)}`,
    );
  }
  return new DirectoryView(result.data);
}

export async function loadDirectory(file: string): Promise<DirectoryView> {
  let json: string;
  try {
    json = await readFile(file, 'utf8');
  } catch (err) {
    throw new CodedError(ErrorCode.DirectoryInvalid, `Directory ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseDirectory(json, file);
}
