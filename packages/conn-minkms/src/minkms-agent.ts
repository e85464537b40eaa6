/**
 * The undici `Agent` of a connector, with the TLS client certificate derived from the API key.
 * The certificate is made on first use and replaced, with a new agent, before it expires.
 */

import tls from 'node:tls';
import { type KmsOperation, operationFailed } from '@kmskit/core';
import { Agent } from 'undici';
import { type ClientCertificate, createClientCertificate } from './minkms-certificate.js';
import type { ResolvedMinkmsOptions } from './minkms-options.js';

interface AgentEntry {
  agent: Agent;
  /** When to replace the agent, because its client certificate expires soon. */
  renewAt: number;
}

/** Renew the client certificate this long before it expires. */
const CERTIFICATE_RENEWAL_MS = 7 * 24 * 60 * 60 * 1000;
/** Upper bound of the TCP and TLS connection setup time, as the MinIO KMS Go SDK's TLS handshake limit. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;

/** Holds the current agent and closes the ones it replaced. */
export class MinkmsAgents {
  readonly #options: ResolvedMinkmsOptions;
  #agent: Promise<AgentEntry> | undefined;
  readonly #retiredAgents = new Set<Agent>();
  #closed = false;
  readonly #now: () => number;

  /** @param now the clock that decides when to renew the certificate, replaceable in tests. */
  constructor(options: ResolvedMinkmsOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /** Time limit of connecting to an endpoint, TCP and TLS, in milliseconds. */
  get connectTimeoutMs(): number {
    return Math.min(this.#options.requestTimeoutMs, MAX_CONNECT_TIMEOUT_MS);
  }

  /** Returns the agent, creating it (and the client certificate) on first use and before expiry. */
  async current(operation: KmsOperation): Promise<Agent> {
    if (this.#closed) {
      throw operationFailed(operation, 'the MinKMS connector is closed', { retryable: false });
    }
    const existing = this.#agent;
    if (existing !== undefined) {
      const entry = await existing.catch(() => undefined);
      if (entry !== undefined && this.#now() < entry.renewAt) return entry.agent;
      if (this.#agent === existing) {
        this.#agent = undefined;
        if (entry !== undefined) this.#retire(entry.agent);
      }
    }

    this.#agent ??= this.#createAgent();
    const pending = this.#agent;
    try {
      return (await pending).agent;
    } catch (cause) {
      if (this.#agent === pending) this.#agent = undefined;
      throw operationFailed(
        operation,
        'cannot create the client certificate from the MinKMS API key',
        {
          cause,
          retryable: false,
        },
      );
    }
  }

  async #createAgent(): Promise<AgentEntry> {
    const certificate: ClientCertificate = await createClientCertificate(
      this.#options.apiKey,
      new Date(this.#now()),
    );
    const secureContext = tls.createSecureContext({
      ca: this.#options.trustedCertificates,
      cert: certificate.certPem,
      key: certificate.keyPem,
      minVersion: 'TLSv1.2',
    });
    // undici starts the headers and body timers only once the request is on a connection, so
    // time spent waiting for a free connection counts against the call's deadline alone.
    const agent = new Agent({
      connect: { secureContext, rejectUnauthorized: true, timeout: this.connectTimeoutMs },
      connections: this.#options.maxConnections === 0 ? null : this.#options.maxConnections,
      headersTimeout: this.#options.requestTimeoutMs,
      bodyTimeout: this.#options.requestTimeoutMs,
    });
    return { agent, renewAt: certificate.notAfter.getTime() - CERTIFICATE_RENEWAL_MS };
  }

  /** Closes an agent once its requests have finished. */
  #retire(agent: Agent): void {
    this.#retiredAgents.add(agent);
    agent
      .close()
      .catch(() => {})
      .finally(() => this.#retiredAgents.delete(agent));
  }

  /** Destroys every agent and its sockets. Later calls to `current` fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const agents = [...this.#retiredAgents];
    const current = this.#agent?.catch(() => undefined);
    this.#agent = undefined;
    this.#retiredAgents.clear();
    const entry = await current;
    if (entry !== undefined) agents.push(entry.agent);
    await Promise.all(agents.map((item) => item.destroy().catch(() => {})));
  }
}
