/**
 * Connectors with one deliberate fault each, built on `MemoryConnector`, and the conformance
 * cases that must catch the fault.
 */

import { createHash, randomBytes } from 'node:crypto';
import { type GeneratedKey, InvalidCiphertextError, type OperationOptions } from '@kmskit/core';
import { MemoryConnector } from './memory-connector.js';

/** A broken connector, the fault it has and the case ids that must fail because of it. */
export interface BrokenConnector {
  fault: string;
  create(): MemoryConnector;
  caughtBy: string[];
  /** Key material to declare as the suite's secrets. */
  secrets?: Uint8Array[];
}

/** Returns a 31-byte data key. */
class ShortDataKey extends MemoryConnector {
  override async generateKey(
    request: { name: string; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<GeneratedKey> {
    const key = await super.generateKey(request, options);
    return { ...key, plaintext: key.plaintext.subarray(0, 31) };
  }
}

/** Binds no context: every context decrypts. */
class IgnoredContext extends MemoryConnector {
  protected override associatedData(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** Treats `a/b` as `a`, as a client that builds URL paths without escaping would. */
class SlashAlias extends MemoryConnector {
  protected override resolveName(name: string): string {
    return name.split('/')[0]!;
  }
}

/** Trims names, so ` a` and `a ` act as `a`. */
class TrimmedNames extends MemoryConnector {
  protected override resolveName(name: string): string {
    return name.trim();
  }
}

/** Folds names to lower case, as a store on a case-insensitive file system would. */
class CaseInsensitiveNames extends MemoryConnector {
  protected override resolveName(name: string): string {
    return name.toLowerCase();
  }
}

/** Fails decryption with a plain `Error`, which the client can only report as a 500. */
class UntypedDecryptError extends MemoryConnector {
  protected override decryptError(): Error {
    return new Error('decryption failed');
  }
}

/** Sends a failed decryption to a second endpoint, which cannot succeed either. */
class RetriedDecrypt extends MemoryConnector {
  protected override decryptError(
    name: string,
    reason: 'malformed' | 'not-authentic',
    options: OperationOptions,
  ): Error {
    for (const endpoint of ['https://127.0.0.1:1', 'https://127.0.0.1:2']) {
      options.reportAttempt?.({ endpoint, outcome: 'failure', status: 400, durationMs: 1 });
    }
    return super.decryptError(name, reason, options);
  }
}

/** Marks a bad ciphertext as retryable. */
class RetryableDecryptError extends MemoryConnector {
  protected override decryptError(name: string): Error {
    const error = new InvalidCiphertextError(`cannot decrypt with key '${name}'`);
    Object.defineProperty(error, 'retryable', { value: true });
    return error;
  }
}

/** Derives every master key from one seed and puts the seed into its error messages. */
class LeakySeed extends MemoryConnector {
  static readonly seed = new Uint8Array(randomBytes(32));

  protected override newMasterKey(name: string): Uint8Array {
    return new Uint8Array(createHash('sha256').update(LeakySeed.seed).update(name).digest());
  }

  protected override decryptError(name: string): Error {
    const seed = Buffer.from(LeakySeed.seed).toString('hex');
    return new InvalidCiphertextError(`cannot decrypt with key '${name}' (seed ${seed})`);
  }
}

/** Reuses one data key. */
class RepeatedDataKey extends MemoryConnector {
  readonly #dataKey = new Uint8Array(randomBytes(32));

  protected override newDataKey(): Uint8Array {
    return this.#dataKey.slice();
  }
}

/** Reports success on delete but keeps the key. */
class IneffectiveDelete extends MemoryConnector {
  override async deleteKey(): Promise<void> {}
}

/** Replaces an existing key on create. */
class OverwritingCreate extends MemoryConnector {
  override async createKey(request: { name: string }): Promise<void> {
    this.keys.set(request.name, new Uint8Array(randomBytes(32)));
  }
}

/** Ignores the page limit. */
class IgnoredLimit extends MemoryConnector {
  protected override pageLimit(): number {
    return 0;
  }
}

/** Computes every MAC with one fixed key. */
class SharedMacKey extends MemoryConnector {
  protected override macKey(): Uint8Array {
    return new Uint8Array(32);
  }
}

/** Reports an unknown key as a bad ciphertext. */
class UnknownKeyAsBadCiphertext extends MemoryConnector {
  protected override masterKey(name: string): Uint8Array {
    const key = this.keys.get(this.resolveName(name));
    if (!key) throw new InvalidCiphertextError(`no key '${name}'`);
    return key;
  }
}

const DEFAULT_KEY = 'default-key';

/** Every broken connector with the cases that must catch it. */
export const brokenConnectors: BrokenConnector[] = [
  {
    fault: 'a 31-byte data key',
    create: () => new ShortDataKey({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.generate.unique-keys', 'kms.generate.round-trip'],
  },
  {
    fault: 'an ignored context',
    create: () => new IgnoredContext({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: [
      'kms.context.wrong-value',
      'kms.context.extra-entry',
      'kms.context.empty',
      'kms.context.missing',
      'kms.context.canonical-encoding',
    ],
  },
  {
    fault: 'a/b treated as a',
    create: () => new SlashAlias({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.names.no-alias', 'kms.names.unusual'],
  },
  {
    fault: 'trimmed names',
    create: () => new TrimmedNames({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.names.no-alias'],
  },
  {
    fault: 'case-insensitive names',
    create: () => new CaseInsensitiveNames({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.names.no-alias'],
  },
  {
    fault: 'an untyped decrypt error',
    create: () => new UntypedDecryptError({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: [
      'kms.ciphertext.tampered',
      'kms.ciphertext.truncated',
      'kms.ciphertext.garbage',
      'kms.context.wrong-value',
    ],
  },
  {
    fault: 'a retried bad ciphertext',
    create: () => new RetriedDecrypt({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.ciphertext.tampered', 'kms.ciphertext.garbage'],
  },
  {
    fault: 'a retryable bad ciphertext',
    create: () => new RetryableDecryptError({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.ciphertext.tampered', 'kms.context.wrong-value'],
  },
  {
    fault: 'a seed in error messages',
    create: () => new LeakySeed({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.secrets.no-key-material'],
    secrets: [LeakySeed.seed],
  },
  {
    fault: 'a repeated data key',
    create: () => new RepeatedDataKey({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.generate.unique-keys', 'kms.concurrency.parallel-operations'],
  },
  {
    fault: 'an ineffective delete',
    create: () => new IneffectiveDelete({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.keys.delete-then-use', 'kms.keys.delete-missing'],
  },
  {
    fault: 'a create that replaces keys',
    create: () => new OverwritingCreate({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.keys.create-existing'],
  },
  {
    fault: 'an ignored page limit',
    create: () => new IgnoredLimit({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.keys.list-pagination'],
  },
  {
    fault: 'one MAC key for all keys',
    create: () => new SharedMacKey({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.mac.separate-keys', 'kms.mac.unknown-key'],
  },
  {
    fault: 'an unknown key reported as bad ciphertext',
    create: () => new UnknownKeyAsBadCiphertext({ defaultKeyId: DEFAULT_KEY }),
    caughtBy: ['kms.keys.unknown', 'kms.keys.delete-then-use'],
  },
];
