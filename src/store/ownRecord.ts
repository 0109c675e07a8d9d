/**
 * A record of a store collection by a key that may come from outside (a conversation id in a URL, a
 * platform's event id): only the collection's own entries, never what every object inherits. A plain
 * lookup of "__proto__" or "constructor" returns Object.prototype's members, which once answered a
 * forged Direct Line token with a 500 instead of a 403.
 */
export function ownRecord<T>(collection: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(collection, key) ? collection[key] : undefined;
}
