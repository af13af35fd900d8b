/**
 * The `nexus` sub-commands that read and manage a running gateway. Only the command table passes
 * this door: each command's code loads when it runs.
 */
export { UsageError, type Command, type LazyCommand } from './command.js';
export { CLI_COMMANDS } from './commands.js';
