/**
 * Shape checks for what is read from the store's files before the whole document is validated with
 * zod: just enough to walk it safely (the journal's entries, packed activities).
 */

/** A JSON object: not null, not a list. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
