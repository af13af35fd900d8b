/** `nexus statusline`: the line for Claude Code's status bar. */
export { statuslineCommand, runStatusline } from './statusline-command.js';
