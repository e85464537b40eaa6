/** Assertion helpers for the cases, built on `node:assert/strict`. */

import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { KmsError } from '@kmskit/core';

/** An error class with a static `isInstance`, such as `KeyNotFoundError`. */
export interface ErrorKind<E> {
  readonly name: string;
  isInstance(error: unknown): error is E;
}

/**
 * Awaits a promise that must reject with the given kind of error and returns the error.
 *
 * @param what describes the call, for the failure message.
 */
export async function rejectsWith<E>(
  promise: Promise<unknown>,
  kind: ErrorKind<E>,
  what: string,
): Promise<E> {
  let outcome: { resolved: true; value: unknown } | { resolved: false; error: unknown };
  try {
    outcome = { resolved: true, value: await promise };
  } catch (error) {
    outcome = { resolved: false, error };
  }
  if (outcome.resolved) {
    assert.fail(`${what}: expected ${kind.name}, but the call succeeded`);
  }
  const { error } = outcome;
  assert.ok(kind.isInstance(error), `${what}: expected ${kind.name}, got ${describeError(error)}`);
  return error;
}

/** Awaits a promise that must reject with any `KmsError` and returns the error. */
export function rejectsWithKmsError(promise: Promise<unknown>, what: string): Promise<KmsError> {
  return rejectsWith(promise, KmsError, what);
}

/** Asserts that two byte arrays hold the same bytes. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.ok(actual instanceof Uint8Array, `${what}: expected a Uint8Array`);
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  assert.ok(
    Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
      Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
    ),
    `${what}: bytes differ`,
  );
}

/**
 * Asserts that no secret appears in a value's message, `util.inspect` output (with hidden
 * properties), `JSON.stringify` output or string form.
 */
export function assertNoSecrets(
  value: unknown,
  secrets: readonly Uint8Array[],
  what: string,
): void {
  const renderings: Array<[string, string]> = [
    ['util.inspect', inspect(value, { depth: 10 })],
    ['util.inspect with hidden properties', inspect(value, { depth: 10, showHidden: true })],
    ['JSON.stringify', safeJson(value)],
    ['String()', safeString(value)],
  ];
  if (value instanceof Error) renderings.push(['message', value.message]);
  for (const secret of secrets) {
    for (const needle of needlesOf(secret)) {
      for (const [how, text] of renderings) {
        assert.ok(!text.includes(needle), `${what}: ${how} contains key material`);
      }
    }
  }
}

/**
 * Returns the forms in which a secret could show up: hex, base64 and base64url, the way Node
 * prints a `Buffer` and a `Uint8Array`, and the raw text. Prefixes of 12 bytes catch shortened
 * output.
 */
export function needlesOf(secret: Uint8Array): string[] {
  const prefix = Buffer.from(secret.subarray(0, Math.min(secret.length, 12)));
  const whole = Buffer.from(secret);
  const needles = [
    prefix.toString('hex'),
    prefix.toString('hex').toUpperCase(),
    whole.toString('base64').slice(0, 16),
    whole.toString('base64url').slice(0, 16),
    Array.from(prefix, (byte) => byte.toString(16).padStart(2, '0')).join(' '),
    Array.from(prefix).join(', '),
  ];
  const text = whole.toString('utf8');
  if (secret.length >= 8 && !text.includes('\ufffd')) needles.push(text);
  return needles.filter((needle) => needle.length >= 8);
}

function describeError(error: unknown): string {
  if (KmsError.isInstance(error)) return `${error.name} (${error.code}): ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
