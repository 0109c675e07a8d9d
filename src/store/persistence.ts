import { basename, dirname, extname, join } from 'node:path';
import type { ChangeSet } from './journal.js';
import type { Db } from './schema.js';

/**
 * The store's files. The hot data a turn changes (users, dialog stacks, web conversations) is kept
 * in the core snapshot plus a journal of changes; the "cold" collections that grow for years
 * (contact log, training answers, audit log …) are one file each, rewritten only when a repository
 * marked them changed.
 */
export const SEGMENTS = {
  /** Hot data: the core snapshot file, kept current by the journal. Web transcripts are files of their own. */
  core: ['version', 'users', 'dialogs', 'webConversations', 'processedEvents', 'snoozes'],
  callbacks: ['callbacks'],
  contacts: ['contacts'],
  protocol: ['protocolEvaluations', 'platformMeetings'],
  nudges: ['nudges'],
  training: ['trainingResponses', 'trainingSubmitters'],
  audit: ['audit'],
} as const satisfies Record<string, readonly (keyof Db)[]>;
export type Segment = keyof typeof SEGMENTS;
export type ColdSegment = Exclude<Segment, 'core'>;
export const COLD_SEGMENTS = (Object.keys(SEGMENTS) as Segment[]).filter((s): s is ColdSegment => s !== 'core');

/** One group commit: the hot records and conversations that changed, and the cold segments. */
export interface Batch extends ChangeSet {
  segments: ReadonlySet<ColdSegment>;
  /** Everything is written (a new store, a migration, a restore). */
  full: boolean;
}

/** Where a store's bytes go: a whole-document adapter (tests, backups), or the store's files. */
export interface Persistence {
  read(): Promise<unknown | null>;
  write(data: Db, batch: Batch): Promise<void>;
  /** Resolves when no background work (a snapshot being written) is running. */
  idle?(): Promise<void>;
  /** After the last commit: releases open files (and may fold the journal into the snapshot). */
  close?(data: Db): Promise<void>;
}

const stem = (file: string) => basename(file, extname(file) || '.json');

/** The segment files of a store file: data/db.json holds the core, data/db.contacts.json … the rest. */
export function segmentFile(file: string, segment: Segment): string {
  if (segment === 'core') return file;
  return join(dirname(file), `${stem(file)}.${segment}${extname(file) || '.json'}`);
}

/** The records changed since the core snapshot was written, as of the last light snapshot: data/db.delta.json. */
export function deltaFile(file: string): string {
  return join(dirname(file), `${stem(file)}.delta${extname(file) || '.json'}`);
}

/**
 * Present while `store:restore` replaces the store's files (data/db.restoring): a restore cut short
 * leaves files from both stores, so the store does not open until a restore finishes.
 */
export function restoreMarkerFile(file: string): string {
  return join(dirname(file), `${stem(file)}.restoring`);
}

/**
 * Store files hold teachers' names and contact details and the chat transcripts: readable by the
 * assistant's own user only, whatever the umask (also for the folders it creates).
 */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Held by the process that has the store open for writing (data/db.lock, see lock.ts). */
export function lockFile(file: string): string {
  return join(dirname(file), `${stem(file)}.lock`);
}

/** Web transcripts live one file each in data/db.web/, written when the journal is folded in. */
export function conversationsDir(file: string): string {
  return join(dirname(file), `${stem(file)}.web`);
}

/** Journal files are data/db.journal.<generation>.jsonl; a snapshot starts a new generation. */
export function journalFile(file: string, generation: number): string {
  return join(dirname(file), `${stem(file)}.journal.${generation}.jsonl`);
}

/** The generation of a journal file name of this store, or undefined. */
export function journalGeneration(file: string, name: string): number | undefined {
  const prefix = `${stem(file)}.journal.`;
  if (!name.startsWith(prefix) || !name.endsWith('.jsonl')) return undefined;
  const n = name.slice(prefix.length, -'.jsonl'.length);
  return /^\d+$/.test(n) ? Number(n) : undefined;
}
