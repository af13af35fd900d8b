/**
 * What the People, member, Projects and project pages show, loaded from the ledger and the people
 * store for a range: costs from the roll-ups (members by email, projects by name), never raw
 * requests except a project's branches.
 */
import { listFingerprints, listKeys, listMembers, memberById, type Member, type MemberKey, type PassthroughFingerprint } from '../people/index.js';
import {
  projectBranches,
  projectSummaries,
  topSessionsByCost,
  usageBreakdown,
  usageByPeriod,
  usageTotals,
  type BranchUsage,
  type Database,
  type PeriodUsage,
  type ProjectSummary,
  type SessionSummary,
  type UsageTotals,
} from '../storage/index.js';
import type { ResolvedRange } from './ranges.js';

export interface MemberRow extends Member {
  usage: UsageTotals | null;
  activeKeys: number;
  lastUsedAt: Date | null;
}

export interface PeopleView {
  members: MemberRow[];
  keys: MemberKey[];
  fingerprints: PassthroughFingerprint[];
  /** Usage of the range attributed to no member (domain keys, unlinked passthrough). */
  unattributed: UsageTotals | null;
}

export async function loadPeople(db: Database, range: ResolvedRange, now: Date): Promise<PeopleView> {
  const [members, byMember, keys, fingerprints] = await Promise.all([
    listMembers(db),
    usageBreakdown(db, { since: range.since, until: range.until, by: 'member' }),
    listKeys(db),
    listFingerprints(db),
  ]);
  const live = (key: MemberKey): boolean => key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > now.getTime());
  return {
    members: members.map((member) => {
      const own = keys.filter((key) => key.memberId === member.id);
      const lastUsed = own.map((key) => key.lastUsedAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
      return {
        ...member,
        usage: byMember.find((row) => row.key.toLowerCase() === member.email.toLowerCase()) ?? null,
        activeKeys: own.filter(live).length,
        lastUsedAt: lastUsed === 0 ? null : new Date(lastUsed),
      };
    }),
    keys,
    fingerprints,
    unattributed: byMember.find((row) => row.key === '') ?? null,
  };
}

export interface UsageSlices {
  totals: UsageTotals;
  days: PeriodUsage[];
  models: (UsageTotals & { key: string })[];
}

export interface MemberView extends UsageSlices {
  member: Member;
  projects: (UsageTotals & { key: string })[];
  sessions: SessionSummary[];
  keys: MemberKey[];
}

export async function loadMember(db: Database, id: string, range: ResolvedRange): Promise<MemberView | null> {
  const member = await memberById(db, id);
  if (member === null) return null;
  const filter = { since: range.since, until: range.until, member: member.email };
  const [slices, projects, sessions, keys] = await Promise.all([
    usageSlices(db, range, filter),
    usageBreakdown(db, { ...filter, by: 'project' }),
    topSessionsByCost(db, { ...filter, limit: 10 }),
    listKeys(db, { memberEmail: member.email }).catch(() => []),
  ]);
  return { member, ...slices, projects, sessions, keys };
}

export interface ProjectView extends UsageSlices {
  project: string;
  members: (UsageTotals & { key: string })[];
  branches: BranchUsage[];
}

export async function loadProject(db: Database, project: string, range: ResolvedRange): Promise<ProjectView> {
  const filter = { since: range.since, until: range.until, project };
  const [slices, members, branches] = await Promise.all([
    usageSlices(db, range, filter),
    usageBreakdown(db, { ...filter, by: 'member' }),
    projectBranches(db, filter),
  ]);
  return { project, ...slices, members, branches };
}

export function loadProjects(db: Database, range: ResolvedRange): Promise<ProjectSummary[]> {
  return projectSummaries(db, range);
}

async function usageSlices(db: Database, range: ResolvedRange, filter: { since: Date; until: Date; member?: string; project?: string }): Promise<UsageSlices> {
  const [totals, days, models] = await Promise.all([
    usageTotals(db, filter),
    usageByPeriod(db, { ...filter, period: 'day', timeZone: range.tz }),
    usageBreakdown(db, { ...filter, by: 'model' }),
  ]);
  return { totals, days, models };
}

/** Cache reads over every prompt token (input, cache writes, cache reads); null without any. */
export function cacheHitRatio(totals: UsageTotals): number | null {
  const prompt = totals.inputTokens + totals.cacheWriteTokens + totals.cacheReadTokens;
  return prompt === 0 ? null : totals.cacheReadTokens / prompt;
}
