/** Argument checks shared by the `nexus credentials` sub-commands, each failure a one-line UsageError. */
import { parseDomainName, type DomainName } from '../../credentials/index.js';
import { parseCommandArguments } from '../arguments.js';
import { UsageError } from '../command.js';

/** parseCommandArguments for `nexus credentials <command>`. */
export function parsingArguments<T>(command: string, parse: () => T): T {
  return parseCommandArguments(`nexus credentials ${command}`, parse);
}

/** The one domain argument, validated like a Host header so no name can leave the credentials folder. */
export function domainArgument(command: string, positionals: readonly string[]): DomainName {
  if (positionals.length === 0) throw new UsageError(`"nexus credentials ${command}" needs a domain, e.g. team.example.com`);
  return optionalDomainArgument(command, positionals) as DomainName;
}

/** Like domainArgument, but none is fine. */
export function optionalDomainArgument(command: string, positionals: readonly string[]): DomainName | undefined {
  if (positionals.length > 1) throw new UsageError(`"nexus credentials ${command}" takes one domain, got ${positionals.length} arguments`);
  const [text] = positionals;
  if (text === undefined) return undefined;
  // A key pasted where the domain goes must not become a file name, nor be echoed back.
  if (/^(sk-ant-|cnk_)/i.test(text)) throw new UsageError('the domain argument looks like a key (not shown): keys are read from stdin, never from the command line');
  const domain = parseDomainName(text);
  if (domain === null) {
    const shown = text.length > 64 ? 'the domain argument (too long to show)' : `"${text}"`;
    throw new UsageError(`${shown} is not a domain: use a host name as clients send it, e.g. team.example.com or localhost:3000`);
  }
  return domain;
}

/** `--account NAME`: the name usage is counted under. */
export function accountOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name === '' || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new UsageError('--account must be a non-empty name without control characters (at most 200 characters)');
  }
  return name;
}
