/** Per-domain upstream credentials: files, API keys and self-refreshing OAuth tokens. */
export { domainCandidates, credentialFileName, type DomainName } from './domain.js';
export {
  createCredentialStore,
  CredentialError,
  type CredentialStore,
  type CredentialStoreOptions,
  type ManagedDomain,
  type UpstreamAuth,
} from './store.js';
export { parseCredentialFile, CredentialFileError, type CredentialFile } from './credential-file.js';
