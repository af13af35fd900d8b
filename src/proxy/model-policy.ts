/** A member key's model list, enforced on the request body as it streams past (never parsed whole). */
import { ApiError } from '../shared/api-error.js';
import { modelNotAllowed, type MemberKeyFacts } from './client-auth.js';
import type { BodyCheck } from './request-body.js';
import { TopLevelModelScanner } from './top-level-model.js';

/**
 * The check for one request of a key, or undefined when the key may use any model. Batches carry
 * a model per request inside them, which is not checked here, so a key with a list cannot create them.
 */
export function modelPolicyFor(key: MemberKeyFacts, method: string, path: string): BodyCheck | undefined {
  const allowed = key.allowedModels;
  if (allowed === null || method === 'GET' || method === 'HEAD') return undefined;
  if (path.startsWith('/v1/messages/batches')) {
    throw new ApiError('permission_error', `This key may only use the models ${allowed.join(', ')}, so it cannot create message batches.`);
  }
  const scanner = new TopLevelModelScanner();
  return {
    write: (chunk) => { scanner.write(chunk); },
    end: () => {
      const { models, nonString } = scanner.result();
      if (nonString) return new ApiError('invalid_request_error', 'model: Input should be a valid string');
      const refused = models.find((model) => !allowed.includes(model));
      return refused === undefined ? null : modelNotAllowed(refused, allowed);
    },
  };
}
