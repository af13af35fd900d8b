/**
 * What can be checked without a Docker engine: the compose file (validated by docker-compose
 * itself), every shell script (shellcheck), both Dockerfiles (lint rules in the spirit of hadolint),
 * and that no secret can reach a build context or git.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredNames, isIgnored, parseDockerfile, parseIgnoreFile, stagesOf, type Instruction } from '../support/docker-files.js';
import { REPO_ROOT } from '../support/shell-scripts.js';

const COMPOSE_FILE = join(REPO_ROOT, 'docker/docker-compose.yml');
const DOCKERFILES = { nexus: 'docker/Dockerfile', 'claude-cli': 'docker/claude-cli/Dockerfile' } as const;
/** Names of variables that would hold a secret (a folder or file of them is fine: CREDENTIALS_DIR). */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL(?!S?_(DIR|FILE|PATH)$)/i;
const SECRET_VALUE = /sk-ant-|cnk_[A-Za-z0-9]{8}|cnp_[A-Za-z0-9]{8}/;

function run(command: string, args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); .ci/run installs it with apt-get`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ComposeService {
  image?: string;
  command?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  networks?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  user?: string;
}

/** `docker-compose config` with the committed .env.example: validated and normalised by compose itself. */
function composeConfig(envFile = join(REPO_ROOT, '.env.example')): { code: number | null; stderr: string; config: { services: Record<string, ComposeService>; networks: Record<string, unknown>; volumes: Record<string, unknown> } | null } {
  const result = run('docker-compose', ['--env-file', envFile, '-f', COMPOSE_FILE, 'config']);
  if (result.code !== 0) return { code: result.code, stderr: result.stderr, config: null };
  // docker-compose (v1) prints YAML only; PyYAML is the parser it is built on.
  const json = run('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], result.stdout);
  return { code: 0, stderr: result.stderr, config: JSON.parse(json.stdout) as never };
}

describe('docker/docker-compose.yml', () => {
  const { code, stderr, config } = composeConfig();

  it('is valid for docker-compose with the committed .env.example', () => {
    expect(code, stderr).toBe(0);
    expect(Object.keys(config?.services ?? {}).sort()).toEqual(['claude-cli', 'dashboard', 'postgres', 'proxy']);
  });

  it('postgres: the official image at a pinned tag, a healthcheck and a named volume', () => {
    const postgres = config?.services.postgres;
    expect(postgres?.image).toMatch(/^postgres:\d+[\w.-]*$/);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(postgres?.volumes).toContain('postgres-data:/var/lib/postgresql/data:rw');
    expect(Object.keys(config?.volumes ?? {})).toContain('postgres-data');
  });

  it('proxy and dashboard: one image by command, waiting for a healthy postgres', () => {
    const { proxy, dashboard } = config?.services ?? {};
    expect(proxy?.command).toEqual(['proxy']);
    expect(dashboard?.command).toEqual(['dashboard']);
    expect(proxy?.image).toBe(dashboard?.image);
    expect(proxy?.build?.dockerfile).toBe(DOCKERFILES.nexus);
    for (const service of [proxy, dashboard]) {
      expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(service?.environment?.HOST).toBe('0.0.0.0');
      expect(String(service?.environment?.DATABASE_URL)).toMatch(/^postgres:\/\/nexus:[^@]+@postgres:5432\/nexus$/);
    }
    expect(proxy?.ports).toEqual(['127.0.0.1:3000:3000/tcp']);
    expect(dashboard?.ports).toEqual(['127.0.0.1:3001:3001/tcp']);
  });

  it('proxy: credentials/ mounted where CREDENTIALS_DIR points, and its spool on a volume', () => {
    const proxy = config?.services.proxy;
    expect(proxy?.volumes).toContain(`${join(REPO_ROOT, 'credentials')}:/app/credentials:rw`);
    expect(proxy?.environment?.CREDENTIALS_DIR).toBe('/app/credentials');
    expect(proxy?.volumes).toContain('proxy-data:/app/data:rw');
  });

  it('claude-cli: the proxy as base URL, the dashboard for reports, client-setup/ read-only', () => {
    const cli = config?.services['claude-cli'];
    expect(cli?.build).toMatchObject({ context: REPO_ROOT.replace(/\/$/, ''), dockerfile: DOCKERFILES['claude-cli'], args: { CLAUDE_UID: '1001' } });
    expect(cli?.environment?.ANTHROPIC_BASE_URL).toBe('http://proxy:3000');
    expect(cli?.environment?.NEXUS_URL).toBe('http://dashboard:3001');
    expect(cli?.volumes).toContain(`${join(REPO_ROOT, 'client-setup')}:/client-setup:ro`);
    expect(cli?.volumes).toContain(`${join(REPO_ROOT, 'workspace')}:/workspace:rw`);
    expect(cli?.depends_on?.proxy?.condition).toBe('service_healthy');
    expect(cli?.ports).toBeUndefined();
  });

  it('one network for every service', () => {
    expect(Object.keys(config?.networks ?? {})).toEqual(['nexus']);
    for (const service of Object.values(config?.services ?? {})) expect(Object.keys(service.networks ?? {})).toEqual(['nexus']);
  });

  it('takes every secret from .env, never from the file itself', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    expect(text).not.toMatch(SECRET_VALUE);
    for (const line of text.split('\n').filter((l) => /^\s+[A-Z_]*(PASSWORD|API_KEY)[A-Z_]*:/.test(l))) expect(line).toMatch(/\$\{[A-Z_]+:\?/);
  });

  it('refuses to start without the secrets, saying which to set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-compose-env-'));
    try {
      writeFileSync(join(dir, '.env'), 'POSTGRES_PASSWORD=abc\n');
      const missing = composeConfig(join(dir, '.env'));
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('set DASHBOARD_API_KEY in .env');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every shell script of the repository (node_modules and build output aside) plus ./claude. */
function shellScripts(dir = REPO_ROOT): string[] {
  const skip = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'coverage', 'data']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return shellScripts(path);
    return entry.name.endsWith('.sh') ? [path] : [];
  });
}

describe('shell scripts', () => {
  const scripts = [...shellScripts(), join(REPO_ROOT, 'claude')];

  it('are the ones the seed and the issue name, all executable', () => {
    const names = scripts.map((path) => relative(REPO_ROOT, path));
    expect(names).toEqual(expect.arrayContaining(['docker-up.sh', 'claude', 'docker/claude-cli/entrypoint.sh', 'docker/claude-cli/claude-wrapper.sh', 'docker/claude-cli/monitor-wrapper.sh']));
    for (const path of scripts) expect(statSync(path).mode & 0o111, path).toBe(0o111);
  });

  it('pass shellcheck', () => {
    const result = run('shellcheck', ['--external-sources', ...scripts]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('the container’s scripts are POSIX sh (busybox ash in the image), the host’s bash', () => {
    for (const path of scripts) {
      const shebang = readFileSync(path, 'utf8').split('\n')[0];
      expect(shebang, path).toBe(path.includes('/docker/claude-cli/') ? '#!/bin/sh' : '#!/usr/bin/env bash');
    }
  });
});

function dockerfile(path: string): Instruction[] {
  return parseDockerfile(readFileSync(join(REPO_ROOT, path), 'utf8'));
}

describe.each(Object.entries(DOCKERFILES))('%s Dockerfile', (_, path) => {
  const instructions = dockerfile(path);
  const stages = stagesOf(instructions);
  const final = stages.at(-1);
  const finalOf = (keyword: string): Instruction[] => final?.instructions.filter((i) => i.keyword === keyword) ?? [];

  it('pins every base image to a version tag (never latest) or builds on an earlier stage', () => {
    const names = new Set<string>();
    for (const stage of stages) {
      if (!names.has(stage.from)) expect(stage.from, `FROM ${stage.from}`).toMatch(/^[\w./-]+:(?!latest$)[\w.-]*\d[\w.-]*(@sha256:[a-f0-9]{64})?$/);
      if (stage.name !== undefined) names.add(stage.name);
    }
  });

  it('runs as a non-root user', () => {
    const user = finalOf('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('has a HEALTHCHECK', () => {
    expect(finalOf('HEALTHCHECK').at(-1)?.args).toMatch(/^(--\S+\s+)*CMD\s/);
  });

  it('bakes no secret into ENV or ARG, nor anywhere else', () => {
    for (const instruction of instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      for (const name of declaredNames(instruction)) expect(name, `line ${String(instruction.line)}`).not.toMatch(SECRET_NAME);
    }
    expect(readFileSync(join(REPO_ROOT, path), 'utf8')).not.toMatch(SECRET_VALUE);
  });

  it('follows the usual lint rules: COPY not ADD, exec-form CMD/ENTRYPOINT, apk --no-cache, no cd or sudo in RUN', () => {
    expect(instructions.filter((i) => i.keyword === 'ADD')).toEqual([]);
    for (const i of instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) expect(i.args).toMatch(/^\[.*\]$/);
    for (const i of instructions.filter((i) => i.keyword === 'RUN')) {
      if (i.args.includes('apk add')) expect(i.args).toContain('apk add --no-cache');
      expect(i.args).not.toMatch(/(^|&&\s*|;\s*)(cd|sudo)\s/);
    }
    const stageNames = stages.map((stage) => stage.name);
    for (const i of instructions.filter((i) => i.keyword === 'COPY' && i.args.includes('--from='))) {
      expect(stageNames).toContain(/--from=(\S+)/.exec(i.args)?.[1]);
    }
  });

  it('installs production dependencies with npm ci --omit=dev', () => {
    expect(instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(true);
  });
});

describe('the images', () => {
  it('nexus: one image for proxy and dashboard, health from /health, nexus on PATH', () => {
    const instructions = dockerfile(DOCKERFILES.nexus);
    const text = instructions.map((i) => `${i.keyword} ${i.args}`).join('\n');
    expect(text).toContain('ENTRYPOINT ["node", "/app/dist/main/nexus.js"]');
    expect(text).toContain('EXPOSE 3000 3001');
    expect(text).toContain('HOST=0.0.0.0');
    expect(text).toContain('HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.mjs"]');
    expect(readFileSync(join(REPO_ROOT, 'docker/healthcheck.mjs'), 'utf8')).toContain('/health');
  });

  it('claude-cli: node:24-alpine, user claude (uid 1001), the seed’s environment, Claude Code pinned to the version the tests run', () => {
    const instructions = dockerfile(DOCKERFILES['claude-cli']);
    const stages = stagesOf(instructions);
    expect(stages.at(-1)?.from).toMatch(/^node:24-alpine/);
    const text = instructions.map((i) => `${i.keyword} ${i.args}`).join('\n');
    expect(text).toContain('USER claude');
    expect(text).toContain('ARG CLAUDE_UID=1001');
    expect(text).toContain('adduser -D -u "${CLAUDE_UID}" -G claude');
    expect(text).toContain('ANTHROPIC_BASE_URL=http://proxy:3000');
    expect(text).toContain('CLAUDE_HOME=/home/claude/.claude');
    const tested = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@anthropic-ai/claude-code/package.json'), 'utf8')) as { version: string }).version;
    expect(text).toContain(`ARG CLAUDE_CODE_VERSION=${tested}`);
    expect(text).toContain('"@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}"');
    for (const command of ['claude', 'ccusage', 'monitor', 'claude-monitor', 'nexus']) expect(text).toMatch(new RegExp(`/usr/local/bin/${command} `));
  });
});

describe('the production install (npm ci --omit=dev) runs the build', () => {
  it('dist/ imports only node: built-ins and runtime dependencies', () => {
    const { dependencies } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const used = new Set<string>();
    for (const file of filesUnder(join(REPO_ROOT, 'dist')).filter((path) => path.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\.resolve\s*\(\s*)(['"])([@a-z][\w@/.:-]*)\1/g)) {
        const specifier = match[2] ?? '';
        if (!specifier.startsWith('node:')) used.add(/^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)?.[1] ?? specifier);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(dependencies), `dist imports ${name}`).toContain(name);
  });
});

describe('build contexts and git', () => {
  const rules = parseIgnoreFile(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));

  it('.dockerignore keeps secrets, data, the workspace and node_modules out of every build context', () => {
    for (const path of ['.env', 'credentials/proxy.credentials.json', 'credentials/README.md', 'client-setup/.credentials.json', 'client-setup/README.md', 'data/spool/1.jsonl', 'workspace/app.py', 'node_modules/pg/package.json', 'src/.env', 'docker/proxy.credentials.json', '.git/config']) {
      expect(isIgnored(rules, path), path).toBe(true);
    }
  });

  it('.dockerignore lets in every file the Dockerfiles COPY', () => {
    for (const path of Object.values(DOCKERFILES)) {
      for (const copy of dockerfile(path).filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
        const sources = copy.args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1);
        for (const source of sources) {
          const files = filesUnder(join(REPO_ROOT, source)).filter((file) => !file.endsWith('.test.ts'));
          expect(files.length, `${path}: COPY ${source}`).toBeGreaterThan(0);
          for (const file of files) expect(isIgnored(rules, relative(REPO_ROOT, file)), `${path}: COPY ${source}: ${file}`).toBe(false);
        }
      }
    }
  });

  it('.gitignore keeps real credentials, .env and the workspace out of git, and the examples in', () => {
    const lines = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(lines).toEqual(expect.arrayContaining(['.env', 'credentials/*', '!credentials/*.example.json', 'client-setup/*', '!client-setup/*.example.json', '!client-setup/README.md', 'workspace/*', '!workspace/README.md']));
    for (const example of ['.env.example', 'client-setup/credentials.api-key.example.json', 'client-setup/credentials.oauth.example.json', 'client-setup/README.md', 'workspace/README.md']) {
      expect(existsSync(join(REPO_ROOT, example)), example).toBe(true);
    }
  });

  it('the seed’s file structure exists', () => {
    for (const file of ['Dockerfile', 'entrypoint.sh', 'claude-wrapper.sh', 'monitor-wrapper.sh', 'README.md', 'CLAUDE_MONITOR_INTEGRATION.md']) {
      expect(existsSync(join(REPO_ROOT, 'docker/claude-cli', file)), file).toBe(true);
    }
  });
});

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}
