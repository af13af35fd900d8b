/**
 * A conversation's agents as a tree: the main thread at the root, each subagent under the agent
 * that started it (Claude Code's x-claude-code-parent-agent-id), or under the main thread when the
 * parent is unknown; each with its own requests in order. Pure.
 */
import type { AgentUsage } from '../storage/index.js';

export interface AgentNode<R> {
  /** Null: the main thread. */
  agentId: string | null;
  usage: AgentUsage;
  requests: R[];
  children: AgentNode<R>[];
}

const EMPTY_TOTALS = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  costUsd: '0',
  unpricedRequests: 0,
  totalTokens: 0,
};

/**
 * @example agentTree(detail.agents, page.rows) // root.children: subagents started by the main thread
 */
export function agentTree<R extends { agentId: string | null }>(agents: readonly AgentUsage[], requests: readonly R[]): AgentNode<R> {
  const main = agents.find((agent) => agent.agentId === null);
  const firstAt = agents.reduce<Date | null>((min, agent) => (min === null || agent.firstAt < min ? agent.firstAt : min), null) ?? new Date(0);
  const root: AgentNode<R> = {
    agentId: null,
    usage: main ?? { ...EMPTY_TOTALS, agentId: null, parentAgentId: null, firstAt, lastAt: firstAt },
    requests: [],
    children: [],
  };
  const nodes = new Map<string, AgentNode<R>>();
  for (const agent of agents) {
    if (agent.agentId !== null) nodes.set(agent.agentId, { agentId: agent.agentId, usage: agent, requests: [], children: [] });
  }
  const parentOf = (id: string): string | null => {
    const parent = nodes.get(id)?.usage.parentAgentId ?? null;
    return parent !== null && parent !== id && nodes.has(parent) ? parent : null;
  };
  for (const [id, node] of nodes) {
    (leadsBackTo(id, parentOf) ? root : nodes.get(parentOf(id) ?? '') ?? root).children.push(node);
  }
  for (const request of requests) {
    (request.agentId === null ? root : (nodes.get(request.agentId) ?? root)).requests.push(request);
  }
  return root;
}

/** The parent chain of `id` comes back to it (bad data): such an agent hangs under the main thread. */
function leadsBackTo(id: string, parentOf: (id: string) => string | null): boolean {
  const seen = new Set<string>([id]);
  for (let at = parentOf(id); at !== null; at = parentOf(at)) {
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

/** Agents in the tree (the main thread not counted). */
export function subagentCount(node: AgentNode<unknown>): number {
  return node.children.reduce((sum, child) => sum + 1 + subagentCount(child), 0);
}
