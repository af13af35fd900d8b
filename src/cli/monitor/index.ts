/** `nexus monitor`: the live view of the current 5-hour blocks. */
export { monitorCommand } from './monitor-command.js';
export { shareStyle, WARNING_SHARE, ALERT_SHARE } from './monitor-format.js';
