/** S3 bucket names: 3 to 63 characters of `a-z`, `0-9`, `.` and `-`, as S3 requires. */

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * Reports whether `name` is a valid S3 bucket name: lowercase letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, no `..`, not an IP address. Such a name is also a
 * safe folder name.
 */
export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !IP_ADDRESS.test(name);
}
