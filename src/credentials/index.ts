/** Per-domain upstream credentials: files, API keys and self-refreshing OAuth tokens. */
export { domainCandidates, credentialFileName, credentialFileExists, findManagedDomain, parseDomainName, type DomainName } from './domain.js';
export {
  createCredentialStore,
  type RefreshCoordinator,
  CredentialError,
  type CredentialStore,
  type CredentialStoreOptions,
  type ManagedDomain,
  type UpstreamAuth,
} from './store.js';
export {
  apiKeyFileJson,
  oauthFileJson,
  parseCredentialFile,
  CredentialFileError,
  type CredentialFile,
  type KeptFields,
} from './credential-file.js';
export { editCredentialFile, readTextIfAny, type EditedFile } from './edit-file.js';
export { TokenEndpointError, type TokenEndpoint } from './token-endpoint.js';
export {
  authorizeUrlOf,
  CLAUDE_OAUTH_REDIRECT_URI,
  CLAUDE_OAUTH_SCOPES,
  createPkceLogin,
  exchangeAuthorizationCode,
  parsePastedCode,
  pkceChallenge,
  type IssuedTokens,
  type PkceLogin,
} from './oauth-login.js';
