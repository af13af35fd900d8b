/**
 * People and projects: members, their teams and keys (hashes only), the in-memory key directory
 * the proxy checks keys against, the installation secret that salts fingerprints, and reading a
 * request's project and branch off its bytes.
 */
export { PeopleError, type PeopleErrorCode } from './people-error.js';
export { addMember, listMembers, removeMember, memberByEmail, memberById, requireMember, parseEmail, isEmail, parseTeamName, type Member, type NewMember } from './members-store.js';
export { createKey, listKeys, revokeKey, keysChangedSince, touchKeys, type MemberKey, type NewKey, type CachedKey, type DomainLookup } from './keys-store.js';
export { createKeyDirectory, type KeyDirectory, type KeyDirectoryOptions, type KeyCheck } from './key-directory.js';
export { expiryAfterLastDay, generateMemberKey, hashMemberKey, looksLikeMemberKey, keyDisplay, MEMBER_KEY_PREFIX } from './member-keys.js';
export { linkFingerprint, listFingerprints, type PassthroughFingerprint } from './fingerprints.js';
export { openInstallationSecret, type InstallationSecret } from './installation-secret.js';
export { ProjectScanner, projectOf, projectFromHeader, type ProjectFacts, type ProjectRule } from './project.js';
