export { createTestPki, type IssueOptions, type TestCertificate, type TestPki } from './certs.js';
export * from './kes/index.js';
export * from './minkms/index.js';
