/**
 * A conversation id for clients that send no Claude Code session id (the SDKs): every turn of a
 * conversation re-sends the same system prompt and first message, so a hash of them (with the
 * domain and account) ties the turns together. Two conversations that open identically merge; a
 * client that wants exact grouping sends x-claude-code-session-id.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Bodies above this are not parsed here (it would stall the event loop); their conversation stays unknown. */
export const MAX_HASHED_BODY_BYTES = 1024 * 1024;

const messagesRequest = z.looseObject({
  system: z.unknown().optional(),
  messages: z.array(z.unknown()).min(1),
});

export function conversationIdFromBody(body: Buffer, scope: { domain: string; account: string }): string | null {
  if (body.length === 0 || body.length > MAX_HASHED_BODY_BYTES) return null;
  // Whatever the client sent (bad JSON, or JSON nested deep enough to overflow the stack when it is
  // walked) costs it its conversation id, never its usage record.
  try {
    const parsed = messagesRequest.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success) return null;
    const opening = JSON.stringify([scope.domain, scope.account, parsed.data.system ?? null, parsed.data.messages[0]]);
    return `conv_${createHash('sha256').update(opening).digest('hex').slice(0, 20)}`;
  } catch {
    return null;
  }
}

/**
 * Claude Code's session id, scoped to the domain and the person (member, else account) it came
 * from: `<session id>~<12 hex>`, still readable, but a client that learns someone else's session id
 * starts a conversation of its own with it. (The person's account id is a salted fingerprint, so the
 * suffix cannot be computed by anyone else.)
 */
export function scopedSessionId(sessionId: string, scope: { domain: string; principal: string }): string {
  const digest = createHash('sha256').update(JSON.stringify([scope.domain, scope.principal, sessionId])).digest('hex').slice(0, 12);
  return `${sessionId}~${digest}`;
}
