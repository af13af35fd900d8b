import { describe, expect, it } from 'vitest';
import type { AgentUsage } from '../storage/index.js';
import { agentTree, subagentCount, type AgentNode } from './agent-tree.js';

function agent(agentId: string | null, parentAgentId: string | null = null): AgentUsage {
  const at = new Date('2026-11-24T10:00:00Z');
  return {
    agentId, parentAgentId, firstAt: at, lastAt: at, requests: 1, errors: 0, inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0,
    cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, webSearchRequests: 0, costUsd: '0.1', unpricedRequests: 0, totalTokens: 2,
  };
}

const shape = (node: AgentNode<{ id: string }>): unknown => ({ agent: node.agentId, requests: node.requests.map((r) => r.id), children: node.children.map(shape) });

describe('agentTree', () => {
  it('nests each subagent under the agent that started it, with its own requests', () => {
    const requests = [
      { id: 'r1', agentId: null },
      { id: 'r2', agentId: 'a' },
      { id: 'r3', agentId: 'b' },
      { id: 'r4', agentId: null },
      { id: 'r5', agentId: 'c' },
    ];
    const tree = agentTree([agent(null), agent('a'), agent('b', 'a'), agent('c', 'unknown-parent')], requests);
    expect(shape(tree)).toEqual({
      agent: null,
      requests: ['r1', 'r4'],
      children: [
        { agent: 'a', requests: ['r2'], children: [{ agent: 'b', requests: ['r3'], children: [] }] },
        { agent: 'c', requests: ['r5'], children: [] },
      ],
    });
    expect(subagentCount(tree)).toBe(3);
  });

  it('hangs agents whose parents form a loop under the main thread, and makes a main thread when none sent requests', () => {
    const tree = agentTree([agent('x', 'y'), agent('y', 'x'), agent('z', 'z')], []);
    expect(tree.usage.requests).toBe(0);
    expect(tree.children.map((child) => child.agentId).sort()).toEqual(['x', 'y', 'z']);
  });
});
