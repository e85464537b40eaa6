/** Capability predicates for `ConformanceCase.requires`. */

import type { ConnectorCapabilities } from '@kmskit/core';
import type { CapabilityRequirement } from './types.js';

/** A capability flag that is `true` when the connector supports it. */
export type CapabilityFlag = Exclude<keyof ConnectorCapabilities, 'deleteMissingKey'>;

/**
 * Returns a requirement met when every named capability is `true`.
 *
 * @example requires: needs('createKey', 'listKeys')
 */
export function needs(...flags: CapabilityFlag[]): CapabilityRequirement {
  const requirement = (capabilities: ConnectorCapabilities) =>
    flags.every((flag) => capabilities[flag] === true);
  return Object.assign(requirement, { description: flags.join(' and ') });
}

/** Returns the reason a case is skipped when its requirement is not met. */
export function unmetReason(requirement: CapabilityRequirement): string {
  const needed = requirement.description ?? 'a capability it lacks';
  return `the connector does not support ${needed}`;
}
