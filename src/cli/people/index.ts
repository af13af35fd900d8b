/** `nexus members` and `nexus keys`: the people usage is attributed to, and their keys. */
export { membersCommand } from './members-command.js';
export { keysCommand } from './keys-command.js';
