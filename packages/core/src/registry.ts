/**
 * The connector registry: an instance that an application fills with the connector definitions it
 * installed, then uses to create a `KMS`. There is no global registry, and importing a package
 * registers nothing.
 */

import type { Connector } from './connector.js';
import {
  detectKmsKind,
  type Env,
  isPresent,
  KMS_ENV_VARIABLES,
  KMS_KIND_PACKAGES,
  KmsConfigurationError,
  type KmsKind,
} from './env.js';
import { KMS, type KmsOptions } from './kms.js';

/** How to build one kind of connector. Connector packages export one. */
export interface ConnectorDefinition<Options = never> {
  /** The connector type, such as `builtin`. Matches `Connector.type`. */
  readonly type: string;
  /** The MinIO variable group it reads, for the builtin, KES and MinKMS connectors. */
  readonly kind?: KmsKind;
  /** The npm package that provides it, for messages. */
  readonly packageName?: string;
  /** Creates a connector from options. Bad options throw `TypeError` or `RangeError`. */
  create(options: Options): Connector | Promise<Connector>;
  /** Reads options from environment variables. Bad values throw `KmsConfigurationError`. */
  fromEnv?(env: Env): Options;
}

/** Options for the `KMS` built by a registry; the connector comes from the registry. */
export type RegistryKmsOptions = Omit<KmsOptions, 'connector'>;

/** The variable that selects a registered third-party connector by its type. */
export const CONNECTOR_TYPE_VARIABLE = 'KMSKIT_CONNECTOR';

/** Creates an empty registry. */
export function createConnectorRegistry(): ConnectorRegistry {
  return new ConnectorRegistry();
}

/** A set of connector definitions, keyed by type. */
export class ConnectorRegistry {
  readonly #definitions = new Map<string, ConnectorDefinition<unknown>>();

  /**
   * Adds a definition.
   * @throws {TypeError} when the definition is malformed or its type is registered already.
   */
  register<Options>(definition: ConnectorDefinition<Options>): this {
    if (
      typeof definition !== 'object' ||
      definition === null ||
      typeof definition.create !== 'function'
    ) {
      throw new TypeError(
        'register: expected a connector definition with a `type` and a `create` function',
      );
    }
    if (typeof definition.type !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(definition.type)) {
      throw new TypeError(
        `register: invalid connector type ${JSON.stringify(definition.type)}: use lowercase letters, digits, '.', '_' and '-'`,
      );
    }
    if (this.#definitions.has(definition.type)) {
      throw new TypeError(
        `register: a connector of type '${definition.type}' is registered already`,
      );
    }
    this.#definitions.set(definition.type, definition as ConnectorDefinition<unknown>);
    return this;
  }

  /** Returns the registered types in registration order. */
  types(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Reports whether a type is registered. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /**
   * Creates a connector of a registered type.
   * @throws {TypeError} naming the registered types when `type` is unknown.
   */
  async createConnector(type: string, options: unknown): Promise<Connector> {
    return this.#definition(type).create(options as never);
  }

  /** Creates a `KMS` over a new connector of a registered type. */
  async create(type: string, options: unknown, kmsOptions: RegistryKmsOptions = {}): Promise<KMS> {
    const connector = await this.createConnector(type, options);
    return new KMS({ ...kmsOptions, connector });
  }

  /**
   * Creates a `KMS` from MinIO's environment variables (the MinKMS, KES or builtin group), or from
   * `KMSKIT_CONNECTOR=<type>` for a registered connector that reads its own variables.
   *
   * @throws {KmsConfigurationError} when no KMS is configured, variables of two kinds are set, or the
   *   configured kind has no registered connector (the message names the package to install).
   */
  async createFromEnv(env: Env = process.env, kmsOptions: RegistryKmsOptions = {}): Promise<KMS> {
    const definition = this.#definitionFromEnv(env);
    if (!definition.fromEnv) {
      throw new KmsConfigurationError(
        `the '${definition.type}' connector cannot be configured from environment variables`,
      );
    }
    const options = definition.fromEnv(env);
    const connector = await definition.create(options);
    return new KMS({ ...kmsOptions, connector });
  }

  #definitionFromEnv(env: Env): ConnectorDefinition<unknown> {
    const selected = env[CONNECTOR_TYPE_VARIABLE];
    const kind = detectKmsKind(env);
    if (selected !== undefined && selected !== '') {
      const definition = this.#definitions.get(selected);
      if (!definition) {
        const known = this.types();
        throw new KmsConfigurationError(
          `${CONNECTOR_TYPE_VARIABLE}=${JSON.stringify(selected)} names no registered connector: registered types are ${known.length ? known.map((t) => `'${t}'`).join(', ') : 'none'}`,
          [CONNECTOR_TYPE_VARIABLE],
        );
      }
      if (kind && definition.kind !== kind) {
        const variable = KMS_ENV_VARIABLES[kind].find((name) => isPresent(env, name)) ?? kind;
        throw new KmsConfigurationError(
          `${CONNECTOR_TYPE_VARIABLE}=${JSON.stringify(selected)} and ${variable} are both set: unset one of them`,
          [CONNECTOR_TYPE_VARIABLE, variable],
        );
      }
      return definition;
    }

    if (!kind) {
      const names = Object.values(KMS_ENV_VARIABLES)
        .map((group) => group[0])
        .join(', ');
      throw new KmsConfigurationError(
        `no KMS configured: set one of ${names}, or ${CONNECTOR_TYPE_VARIABLE} to a registered connector type`,
      );
    }
    const definition = [...this.#definitions.values()].find((candidate) => candidate.kind === kind);
    if (!definition) {
      throw new KmsConfigurationError(
        `the environment configures ${kind} (${KMS_ENV_VARIABLES[kind].join(', ')}) but no ${kind} connector is registered: install ${KMS_KIND_PACKAGES[kind]} and register its definition`,
        KMS_ENV_VARIABLES[kind],
      );
    }
    return definition;
  }

  #definition(type: string): ConnectorDefinition<unknown> {
    const definition = this.#definitions.get(type);
    if (!definition) {
      const known = this.types();
      throw new TypeError(
        `unknown connector type '${type}': registered types are ${known.length ? known.map((t) => `'${t}'`).join(', ') : 'none'}; register its definition first`,
      );
    }
    return definition;
  }
}
