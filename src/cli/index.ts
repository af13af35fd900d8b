/** The `nexus` sub-commands that read and manage a running gateway. */
export { UsageError, type Command } from './command.js';
