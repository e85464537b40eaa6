/**
 * Identities and policies of the KES test server, shaped like KES's configuration: a policy
 * allows and denies request paths by glob pattern, where `*` matches within one path segment as
 * Go's `path.Match` does. A deny match wins over an allow match, and an identity without a
 * policy may do nothing but read `/version`. The admin identity may do everything.
 */

import { createHash, type X509Certificate } from 'node:crypto';

/** A policy: request path patterns such as `/v1/key/generate/app-*`. */
export interface KesPolicy {
  /** Paths the identity may call. */
  allow?: string[];
  /** Paths the identity may not call, even when an allow pattern matches. */
  deny?: string[];
  /** Identities (hex SHA-256 of the public key) the policy applies to. */
  identities?: string[];
}

/** Policies and the identities assigned to them. */
export class KesPolicies {
  readonly admin: string;
  readonly #policies = new Map<string, { allow: RegExp[]; deny: RegExp[] }>();
  readonly #assigned = new Map<string, string>();

  constructor(admin: string, policies: Record<string, KesPolicy> = {}) {
    this.admin = admin;
    for (const [name, policy] of Object.entries(policies)) this.set(name, policy);
  }

  /** Adds or replaces a policy and assigns its `identities`. */
  set(name: string, policy: KesPolicy): void {
    this.#policies.set(name, {
      allow: (policy.allow ?? []).map(globToRegExp),
      deny: (policy.deny ?? []).map(globToRegExp),
    });
    for (const identity of policy.identities ?? []) this.assign(identity, name);
  }

  /** Assigns an identity to a policy; one policy per identity, as in KES. */
  assign(identity: string, policy: string): void {
    this.#assigned.set(identity.toLowerCase(), policy);
  }

  /** Reports whether `identity` may call `path`. */
  allows(identity: string, path: string): boolean {
    if (identity === this.admin) return true;
    const name = this.#assigned.get(identity);
    const policy = name === undefined ? undefined : this.#policies.get(name);
    if (policy === undefined) return false;
    if (policy.deny.some((pattern) => pattern.test(path))) return false;
    return policy.allow.some((pattern) => pattern.test(path));
  }
}

/** The KES identity of a certificate: hex SHA-256 of its SubjectPublicKeyInfo DER. */
export function certificateIdentity(certificate: X509Certificate): string {
  const spki = certificate.publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('hex');
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
