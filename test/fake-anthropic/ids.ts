// Random identifiers shaped like Anthropic's (req_…, msg_…, sk-ant-oat01-…).
import { randomBytes } from 'node:crypto';

/** `prefix` followed by `bytes` random bytes in base64url, e.g. `newId('req_')`. */
export function newId(prefix: string, bytes = 18): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** The organization every fake response claims to come from. */
export const ORGANIZATION_ID = '0b6ad5a4-8c4e-4f3c-9e61-5f1f2f6a7c11';
