/** The report commands for `nexus`: thin — parse the flags, then runReport, then print. */
import { loadConfig } from '../../config.js';
import type { Command } from '../command.js';
import { reportHelp } from './help.js';
import { parseReportArgs, type ReportKind } from './options.js';
import { runReport } from './run-report.js';

export function reportCommand(kind: ReportKind): Command {
  return {
    async run(args) {
      const options = parseReportArgs(kind, args);
      if (options.help) {
        console.log(reportHelp(kind));
        return 0;
      }
      const output = await runReport(kind, options, {
        config: loadConfig(),
        terminal: { isTTY: process.stdout.isTTY, columns: process.stdout.isTTY ? process.stdout.columns : undefined },
        now: new Date(),
      });
      process.stdout.write(`${output}\n`);
      return 0;
    },
  };
}
