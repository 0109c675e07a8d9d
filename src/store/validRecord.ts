import type { z } from 'zod';
import { CodedError, ErrorCode, formatIssues } from '../core/errors.js';

/**
 * Checks a record against the schema the store is validated with on open, before it is added. A
 * record that would not pass then must not be written now: one bad entry would keep the whole store
 * from opening at the next start. The turn that tried fails instead (the user gets the error answer),
 * and nothing is written.
 */
export function validRecord<T>(schema: z.ZodType<T>, value: T, collection: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CodedError(ErrorCode.RecordInvalid, `[Store] refused an invalid ${collection} record:\n${formatIssues(parsed.error.issues)}`);
  return value;
}
