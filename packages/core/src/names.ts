/** Key and enclave name rules shared by the remote connectors. */

import { InvalidKeyNameError } from './errors.js';

const NAME = /^[0-9A-Za-z_-]{1,80}$/;
const MAX_SHOWN = 100;

/**
 * Checks a name against the newer KES rule, which the remote connectors apply before any request:
 * 1 to 80 bytes of `0-9 A-Z a-z _ -`, not starting or ending with `-`, and not a lone `_`.
 * Nothing that could escape a URL route (`/`, `..`, `%`) passes.
 *
 * @param kind what the name is, for the message: `key` or `enclave`.
 * @throws {InvalidKeyNameError} naming the value and the rule.
 */
export function assertValidName(
  name: unknown,
  kind: 'key' | 'enclave' = 'key',
): asserts name is string {
  if (typeof name !== 'string') {
    throw new InvalidKeyNameError(`invalid ${kind} name: expected a string, got ${typeof name}`);
  }
  if (isValidName(name)) return;
  const shown = name.length > MAX_SHOWN ? `${name.slice(0, MAX_SHOWN)}…` : name;
  throw new InvalidKeyNameError(
    `invalid ${kind} name ${JSON.stringify(shown)}: use 1 to 80 characters of 0-9, A-Z, a-z, '_' and '-', not starting or ending with '-' and not a lone '_'`,
  );
}

/** Reports whether a name passes the rule of `assertValidName`. */
export function isValidName(name: string): boolean {
  return NAME.test(name) && !name.startsWith('-') && !name.endsWith('-') && name !== '_';
}
