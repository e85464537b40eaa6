/**
 * Bucket default encryption: the `PutBucketEncryption` XML document, its validation, the compact
 * form MinIO stores and returns, and the SSE it applies to requests that ask for none.
 *
 *     <ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
 *       <Rule><ApplyServerSideEncryptionByDefault>
 *         <SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>arn:aws:kms:my-key</KMSMasterKeyID>
 *       </ApplyServerSideEncryptionByDefault></Rule>
 *     </ServerSideEncryptionConfiguration>
 *
 * Unknown elements are ignored, as Go's decoder does. Every rejection is 400 `MalformedXML` with
 * the reason in parentheses, and the reasons are MinIO's texts where MinIO has one.
 */

import { S3Error } from '../errors/s3-error.js';
import { malformedBucketEncryption } from '../errors/s3-errors.js';
import { AES256, AWS_KMS } from '../headers/header-names.js';
import { parseKmsKeyId } from '../headers/sse-kms-headers.js';
import { escapeGoXmlText, parseXml, type XmlElement, XmlSyntaxError } from './xml-tree.js';

/** The S3 namespace, filled in when a document has none. */
export const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A validated bucket encryption configuration (exactly one rule). */
export interface BucketEncryptionConfig {
  /** The document's namespace; the S3 namespace when the input had none. */
  xmlns: string;
  /** `AES256` (SSE-S3) or `aws:kms` (SSE-KMS). */
  algorithm: 'AES256' | 'aws:kms';
  /** `KMSMasterKeyID` as given, or `''`. */
  masterKeyId: string;
  /** The KMS key name: `masterKeyId` without `arn:aws:kms:`, or `''`. */
  keyId: string;
}

/**
 * Parses and validates a `PutBucketEncryption` body.
 *
 * @throws {S3Error} 400 `MalformedXML` whose `detail` is the reason, for example "Unknown SSE
 *   algorithm", "only one server-side encryption rule is allowed at a time", "MasterKeyID is
 *   allowed with aws:kms only", "MasterKeyID is missing with aws:kms" or "MasterKeyID contains
 *   unsupported characters".
 */
export function parseBucketEncryption(xml: string): BucketEncryptionConfig {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedBucketEncryption(error.message);
    throw error;
  }
  if (root.name !== 'ServerSideEncryptionConfiguration') {
    throw malformedBucketEncryption(
      `the root element is <${root.name}>, expected <ServerSideEncryptionConfiguration>`,
    );
  }

  // Go decodes the algorithm while it reads the document, so an unknown one is reported before
  // the number of rules is checked.
  const rules = root.children.filter((child) => child.name === 'Rule').map(readRule);
  if (rules.length !== 1) {
    throw malformedBucketEncryption('only one server-side encryption rule is allowed at a time');
  }
  const { algorithm, masterKeyId } = rules[0]!;
  if (algorithm === AES256 && masterKeyId !== '') {
    throw malformedBucketEncryption('MasterKeyID is allowed with aws:kms only');
  }
  if (algorithm === AWS_KMS && masterKeyId === '') {
    throw malformedBucketEncryption('MasterKeyID is missing with aws:kms');
  }
  if (masterKeyId.startsWith(' ') || masterKeyId.endsWith(' ')) {
    throw malformedBucketEncryption('MasterKeyID contains unsupported characters');
  }
  let keyId: string;
  try {
    keyId = parseKmsKeyId(masterKeyId, 'KMSMasterKeyID');
  } catch (error) {
    if (S3Error.isInstance(error)) {
      throw malformedBucketEncryption(
        'MasterKeyID names no valid KMS key: use a key name of 1 to 80 characters of 0-9, A-Z, a-z, _ and -, optionally prefixed with arn:aws:kms:',
      );
    }
    throw error;
  }
  return { xmlns: root.attributes.get('xmlns') || S3_XML_NAMESPACE, algorithm, masterKeyId, keyId };
}

/**
 * Serializes a configuration as MinIO stores and returns it (Go's `xml.Marshal`: compact, no XML
 * declaration, `KMSMasterKeyID` left out when empty).
 */
export function serializeBucketEncryption(
  config: Pick<BucketEncryptionConfig, 'algorithm' | 'masterKeyId'> & { xmlns?: string },
): string {
  const xmlns = escapeGoXmlText(config.xmlns || S3_XML_NAMESPACE);
  let inner = `<SSEAlgorithm>${escapeGoXmlText(config.algorithm)}</SSEAlgorithm>`;
  if (config.masterKeyId) {
    inner += `<KMSMasterKeyID>${escapeGoXmlText(config.masterKeyId)}</KMSMasterKeyID>`;
  }
  return (
    `<ServerSideEncryptionConfiguration xmlns="${xmlns}"><Rule>` +
    `<ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault>` +
    '</Rule></ServerSideEncryptionConfiguration>'
  );
}

function readRule(rule: XmlElement): { algorithm: 'AES256' | 'aws:kms'; masterKeyId: string } {
  const action = single(rule, 'ApplyServerSideEncryptionByDefault');
  const algorithm = action ? single(action, 'SSEAlgorithm')?.text : undefined;
  if (algorithm !== AES256 && algorithm !== AWS_KMS) {
    throw malformedBucketEncryption('Unknown SSE algorithm');
  }
  const masterKeyId = action ? (single(action, 'KMSMasterKeyID')?.text ?? '') : '';
  return { algorithm, masterKeyId };
}

function single(parent: XmlElement, name: string): XmlElement | undefined {
  const matches = parent.children.filter((child) => child.name === name);
  if (matches.length > 1) {
    throw malformedBucketEncryption(`<${parent.name}> has more than one <${name}>`);
  }
  return matches[0];
}
