import { randomBytes } from 'node:crypto';

/**
 * Files offered in the chat as a download link (the training-needs report as CSV): a chat platform
 * cannot carry a spreadsheet the same way on Slack, Teams and the web, but all three open a link.
 *
 * An export is held in memory only, for `ttlMinutes`, under an unguessable id (128 random bits):
 * the link is the permission, like a web chat token, so it is given only to whoever asked for the
 * file in the chat, and it stops working on its own. Nothing is written to the store, and a restart
 * forgets every export (the officer asks again). What may be exported is aggregated data with small
 * groups withheld; no export holds anything about one person.
 */
export interface ExportFile {
  /** The file name the browser saves under, e.g. `training-needs-2026-2027.csv`. */
  name: string;
  mediaType: 'text/csv';
  content: string;
  /** What the file is, for the log line of a download. */
  kind: 'training';
  /** Who asked for it (a directory id), for the same log line. Asking was audited by the dialog. */
  requestedBy: string;
}

export interface ExportOptions {
  /** PUBLIC_URL: where people's browsers reach this server. Without it no link is given. */
  publicUrl: string | undefined;
  clock: () => Date;
  ttlMinutes?: number;
  /** At most this many exports are held; the oldest goes first (a report is a few kilobytes to a few hundred). */
  maxHeld?: number;
}

/** The path exports are served under (see src/http/exports.ts). */
export const EXPORTS_PATH = '/exports';
/** An export id as `offer` makes it: 22 base64url characters. Anything else is never looked up. */
export const EXPORT_ID = /^[A-Za-z0-9_-]{22}$/;

export class ExportService {
  readonly ttlMinutes: number;
  private readonly maxHeld: number;
  private readonly held = new Map<string, { file: ExportFile; expiresAt: number }>();

  constructor(private readonly options: ExportOptions) {
    this.ttlMinutes = options.ttlMinutes ?? 15;
    this.maxHeld = options.maxHeld ?? 50;
  }

  /**
   * The link to the file, under PUBLIC_URL: a person's browser must reach this server, and only
   * PUBLIC_URL says where it does (Slack and Teams reach it through their own services; the web chat
   * may be embedded on a school's site). Undefined without PUBLIC_URL, and nothing is held then.
   */
  offer(file: ExportFile): string | undefined {
    const base = this.options.publicUrl?.replace(/\/+$/, '');
    if (base === undefined) return undefined;
    this.dropExpired();
    while (this.held.size >= this.maxHeld) this.held.delete(this.held.keys().next().value!);
    const id = randomBytes(16).toString('base64url');
    this.held.set(id, { file, expiresAt: this.options.clock().getTime() + this.ttlMinutes * 60_000 });
    return `${base}${EXPORTS_PATH}/${id}`;
  }

  /** The file under this id while its link is valid; undefined for an unknown, malformed or expired id. */
  get(id: string): ExportFile | undefined {
    if (!EXPORT_ID.test(id)) return undefined;
    this.dropExpired();
    const entry = this.held.get(id);
    return entry && entry.expiresAt > this.options.clock().getTime() ? entry.file : undefined;
  }

  /** How many exports are held now. */
  get size(): number {
    this.dropExpired();
    return this.held.size;
  }

  /** Forgets the files whose links have expired (also done on every offer and get; the hourly upkeep calls it too). */
  dropExpired(): void {
    const now = this.options.clock().getTime();
    // Insertion order is expiry order (every export lives equally long), so the scan stops at the first live one.
    for (const [id, entry] of this.held) {
      if (entry.expiresAt > now) break;
      this.held.delete(id);
    }
  }
}
