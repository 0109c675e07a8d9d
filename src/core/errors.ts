/**
 * Coded errors, in the style of bolt-js: every failure the operator may see carries a stable code,
 * so logs and tests match on the code rather than on message text.
 */
export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  DirectoryInvalid: 'directory_invalid',
  StoreCorrupt: 'store_corrupt',
  StoreInvalid: 'store_invalid',
  StoreMissing: 'store_missing',
  StoreLocked: 'store_locked',
  StoreWriteFailed: 'store_write_failed',
  RecordInvalid: 'record_invalid',
  LocalesInvalid: 'locales_invalid',
  UnknownDialog: 'unknown_dialog',
  UnknownStep: 'unknown_step',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}

/** Formats zod-style issue paths as `schools[2].liaisonId`, the way an editor of a JSON file reads them. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/** One line per problem, path first. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `  - ${formatPath(i.path)}: ${i.message}`).join('\n');
}
