import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Web chat tokens: `<conversation id>.<random secret>`. Only the SHA-256 hash is stored, so a copy of
 * the store does not let anyone into a conversation; the id part finds the conversation quickly.
 */
export function newId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export function newToken(conversationId: string): string {
  return `${conversationId}.${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function conversationIdOf(token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  return dot > 0 ? token.slice(0, dot) : undefined;
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function bearer(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
