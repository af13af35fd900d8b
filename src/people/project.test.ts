import { describe, expect, it } from 'vitest';
import { ProjectScanner, projectFromHeader, projectOf, type ProjectFacts } from './project.js';

function scan(body: string, size = 1_000_000): ProjectFacts {
  const bytes = Buffer.from(body);
  const scanner = new ProjectScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.write(bytes.subarray(i, i + size));
  return scanner.result();
}

/** The start of a Claude Code 2.1.330 body as captured through the fake upstream (git context first, then the environment). */
const CURRENT = JSON.stringify({
  model: 'claude-sonnet-4-5',
  messages: [
    {
      role: 'user',
      content: [
        {
          type: 'text',
          text: '<system-reminder>\n# gitStatus\nThis is the git status at the start of the conversation.\n\nCurrent branch: feature/xyz\n\nMain branch (you will usually use this for PRs): main\n</system-reminder>',
        },
        { type: 'text', text: 'Say hello' },
      ],
    },
    {
      role: 'system',
      content: [{ type: 'text', text: '# Environment\nYou have been invoked in the following environment: \n - Primary working directory: /home/ana/src/billing-api\n - Is a git repository: true' }],
    },
  ],
});

/** Older Claude Code: an <env> block in the system prompt. */
const OLDER = JSON.stringify({
  model: 'claude-sonnet-4-5',
  system: [{ type: 'text', text: 'You are Claude Code.\n<env>\nWorking directory: C:\\Users\\ana\\work\\payments\nIs directory a git repo: Yes\n</env>\ngitStatus: Current branch: main\n\nMain branch: main' }],
  messages: [{ role: 'user', content: 'hi' }],
});

describe('ProjectScanner', () => {
  it("reads the working directory and branch of current Claude Code, split at every byte", () => {
    for (const size of [1, 2, 3, 5, 13, 100, 1_000_000]) {
      expect(scan(CURRENT, size)).toEqual({ directory: '/home/ana/src/billing-api', branch: 'feature/xyz' });
    }
  });

  it('reads the older <env> form, Windows paths unescaped', () => {
    for (const size of [1, 7, 1_000_000]) expect(scan(OLDER, size)).toEqual({ directory: 'C:\\Users\\ana\\work\\payments', branch: 'main' });
  });

  it('reads the "(branch: x)" form of newer environment blocks', () => {
    const body = JSON.stringify({ messages: [{ role: 'system', content: ' - Primary working directory: /w/app\n - Version control system: git (branch: release/1.2)\n' }] });
    expect(scan(body, 3)).toEqual({ directory: '/w/app', branch: 'release/1.2' });
  });

  it('finds nothing in an SDK request, and ignores a user who merely mentions a working directory', () => {
    expect(scan(JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'my working directory: /etc is messy' }] }))).toEqual({ directory: null, branch: null });
  });
});

describe('projectOf', () => {
  it('is the last path segment by default, and a configured rule first', () => {
    expect(projectOf('/home/ana/src/billing-api')).toBe('billing-api');
    expect(projectOf('/home/ana/src/billing-api/')).toBe('billing-api');
    expect(projectOf('C:\\Users\\ana\\work\\payments')).toBe('payments');
    const rules = [{ pattern: /\/monorepo\/services\/([^/]+)/, name: 'mono-$1' }];
    expect(projectOf('/home/bo/monorepo/services/auth/src', rules)).toBe('mono-auth');
    expect(projectOf('/home/bo/other', rules)).toBe('other');
    expect(projectOf('/')).toBeNull();
  });

  it('takes the x-nexus-project header as given, trimmed', () => {
    expect(projectFromHeader('  website ')).toBe('website');
    expect(projectFromHeader('')).toBeNull();
    expect(projectFromHeader(undefined)).toBeNull();
  });
});
