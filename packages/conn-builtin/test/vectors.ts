/** Typed access to the builtin vectors in `fixtures/builtin-vectors.json`. */

import { readFileSync } from 'node:fs';

interface ContextPair {
  key_hex: string;
  value_hex: string;
}

/** One vector of the fixture file; inputs and expected fields depend on `kind`. */
export interface Vector {
  name: string;
  kind: string;
  inputs: Record<string, unknown> & { context_pairs?: ContextPair[] };
  expected: Record<string, unknown>;
  kmskit_expected?: Record<string, unknown>;
}

const file = JSON.parse(
  readFileSync(new URL('./fixtures/builtin-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

/** Returns the vectors of one kind. */
export function vectorsOf(kind: string): Vector[] {
  return file.vectors.filter((vector) => vector.kind === kind);
}

/** Returns what the test must check: `kmskit_expected` where a vector has it, else `expected`. */
export function expectedOf(vector: Vector): Record<string, unknown> {
  return vector.kmskit_expected ?? vector.expected;
}

/** Builds the context object of a vector from its authoritative hex pairs. */
export function contextOf(vector: Vector): Record<string, string> | undefined {
  if (vector.inputs.context_is_nil === true) return undefined;
  const pairs = vector.inputs.context_pairs ?? [];
  return Object.fromEntries(
    pairs.map((pair) => [fromHexUtf8(pair.key_hex), fromHexUtf8(pair.value_hex)]),
  );
}

/** Decodes standard base64 into a fresh Uint8Array. */
export function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Decodes lowercase hex into a fresh Uint8Array. */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Encodes bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function fromHexUtf8(text: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(hex(text));
}
