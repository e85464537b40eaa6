/**
 * MinIO's KMS environment variables and the kind of KMS they configure, by MinIO's rules. Each
 * connector package parses its own variables, and core defines only the names and the groups.
 */

import { existsSync, readFileSync } from 'node:fs';

/** Environment variables, such as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The kinds of KMS that MinIO's variables configure. */
export type KmsKind = 'minkms' | 'kes' | 'builtin';

/** The variables of each kind, as MinIO groups them. */
export const KMS_ENV_VARIABLES: Readonly<Record<KmsKind, readonly string[]>> = {
  minkms: ['MINIO_KMS_SERVER', 'MINIO_KMS_ENCLAVE', 'MINIO_KMS_API_KEY', 'MINIO_KMS_SSE_KEY'],
  kes: [
    'MINIO_KMS_KES_ENDPOINT',
    'MINIO_KMS_KES_KEY_NAME',
    'MINIO_KMS_KES_API_KEY',
    'MINIO_KMS_KES_KEY_FILE',
    'MINIO_KMS_KES_CERT_FILE',
    'MINIO_KMS_KES_KEY_PASSWORD',
    'MINIO_KMS_KES_CAPATH',
  ],
  builtin: ['MINIO_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY_FILE'],
};

/** The package that implements each kind. */
export const KMS_KIND_PACKAGES: Readonly<Record<KmsKind, string>> = {
  minkms: '@kmskit/conn-minkms',
  kes: '@kmskit/conn-kes',
  builtin: '@kmskit/conn-builtin',
};

const KIND_TITLES: Readonly<Record<KmsKind, string>> = {
  minkms: 'MinIO KMS',
  kes: 'MinIO KES',
  builtin: 'the builtin KMS',
};

/** An invalid KMS configuration. It is a `TypeError`, like every other bad option. */
export class KmsConfigurationError extends TypeError {
  /** The variables involved. */
  readonly variables: readonly string[];

  constructor(message: string, variables: readonly string[] = []) {
    super(message);
    this.name = 'KmsConfigurationError';
    this.variables = variables;
  }
}

/**
 * Returns the kind of KMS the environment configures, or `undefined` when none.
 *
 * A variable counts when it is set, even to `''`, except that an empty `MINIO_KMS_SECRET_KEY`
 * and a `MINIO_KMS_SECRET_KEY_FILE` that is empty or names no existing file are ignored, as
 * MinIO does (its container image always sets the file variable).
 *
 * @throws {KmsConfigurationError} when variables of two kinds are set, naming one of each.
 */
export function detectKmsKind(env: Env): KmsKind | undefined {
  const found: Array<{ kind: KmsKind; variable: string }> = [];
  for (const kind of Object.keys(KMS_ENV_VARIABLES) as KmsKind[]) {
    const variable = KMS_ENV_VARIABLES[kind].find((name) => isPresent(env, name));
    if (variable) found.push({ kind, variable });
  }
  if (found.length > 1) {
    const [first, second] = found as [(typeof found)[0], (typeof found)[0]];
    throw new KmsConfigurationError(
      `configuration for ${KIND_TITLES[first.kind]} (${first.variable}) and ${KIND_TITLES[second.kind]} (${second.variable}) is present: unset the variables of one of them`,
      [first.variable, second.variable],
    );
  }
  return found[0]?.kind;
}

/** Reports whether a variable counts as set by MinIO's rules (see `detectKmsKind`). */
export function isPresent(env: Env, name: string): boolean {
  const value = env[name];
  if (value === undefined) return false;
  if (name === 'MINIO_KMS_SECRET_KEY') return value !== '';
  if (name === 'MINIO_KMS_SECRET_KEY_FILE') return value !== '' && existsSync(value);
  return true;
}

/**
 * Returns a required variable's value.
 *
 * @throws {KmsConfigurationError} naming the variable when it is not set.
 */
export function requireEnv(env: Env, name: string, hint = ''): string {
  const value = env[name];
  if (value === undefined) {
    throw new KmsConfigurationError(
      `missing environment variable ${name}${hint ? `: ${hint}` : ''}`,
      [name],
    );
  }
  return value;
}

/**
 * Returns a variable's value, or the content of the file named by `<name>_FILE` (a Docker and
 * Kubernetes secrets convention) with one trailing newline removed. Setting both is an error.
 */
export function readEnvSecret(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return env[name];
  if (env[name] !== undefined) {
    throw new KmsConfigurationError(`both ${name} and ${name}_FILE are set: keep only one`, [
      name,
      `${name}_FILE`,
    ]);
  }
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (cause) {
    throw new KmsConfigurationError(
      `cannot read ${name}_FILE ${JSON.stringify(file)}: ${(cause as NodeJS.ErrnoException).code ?? 'read failed'}; check the path and its permissions`,
      [`${name}_FILE`],
    );
  }
}

/** Maximum number of endpoints an endpoint list may expand to. */
export const MAX_ENDPOINTS = 1000;

/**
 * Splits a comma-separated endpoint list as MinIO does: entries trimmed, empty ones dropped, and
 * ellipsis patterns such as `https://kes{1...3}.example.net:7373` expanded (decimal ranges, with
 * zero padding kept when a bound has leading zeros, else hexadecimal ranges).
 *
 * @throws {KmsConfigurationError} for a malformed pattern, or a list of more than `MAX_ENDPOINTS`.
 */
export function parseEndpointList(value: string, variable = 'endpoint list'): string[] {
  const endpoints: string[] = [];
  for (const entry of value.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    endpoints.push(...expandEllipses(trimmed, variable, MAX_ENDPOINTS - endpoints.length));
  }
  return endpoints;
}

const ELLIPSIS = /\{([^{}]*)\.\.\.([^{}]*)\}/g;

/** Expands every range of one entry, checking the size of the product before building it. */
function expandEllipses(pattern: string, variable: string, budget: number): string[] {
  const literals: string[] = [];
  const ranges: string[][] = [];
  let rest = 0;
  for (const match of pattern.matchAll(ELLIPSIS)) {
    literals.push(pattern.slice(rest, match.index));
    ranges.push(expandRange(match[1] ?? '', match[2] ?? '', pattern, variable));
    rest = match.index + match[0].length;
  }
  const tail = pattern.slice(rest);
  if (tail.includes('...') || literals.some((literal) => literal.includes('...'))) {
    throw new KmsConfigurationError(
      `invalid ellipsis pattern ${JSON.stringify(pattern)} in ${variable}: use a form like {1...3}`,
      [variable],
    );
  }
  const count = ranges.reduce((product, values) => product * values.length, 1);
  if (count > budget) {
    throw new KmsConfigurationError(
      `${variable} expands to more than ${MAX_ENDPOINTS} endpoints: narrow the ranges in ${JSON.stringify(pattern)}`,
      [variable],
    );
  }

  let expanded = [''];
  ranges.forEach((values, index) => {
    const next: string[] = [];
    for (const prefix of expanded) {
      for (const value of values) next.push(`${prefix}${literals[index]}${value}`);
    }
    expanded = next;
  });
  return expanded.map((prefix) => `${prefix}${tail}`);
}

function expandRange(from: string, to: string, pattern: string, variable: string): string[] {
  const invalid = () =>
    new KmsConfigurationError(
      `invalid ellipsis range {${from}...${to}} in ${JSON.stringify(pattern)} (${variable}): use ascending decimal or hexadecimal bounds such as {1...3}`,
      [variable],
    );
  let radix = 10;
  if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) {
    if (!/^[0-9a-fA-F]+$/.test(from) || !/^[0-9a-fA-F]+$/.test(to)) throw invalid();
    radix = 16;
  }
  const start = Number.parseInt(from, radix);
  const end = Number.parseInt(to, radix);
  if (end < start || end - start > 10_000) throw invalid();
  const width =
    from.length > 1 && from.startsWith('0')
      ? from.length
      : to.length > 1 && to.startsWith('0')
        ? to.length
        : 0;
  const values: string[] = [];
  for (let n = start; n <= end; n++) values.push(n.toString(radix).padStart(width, '0'));
  return values;
}
