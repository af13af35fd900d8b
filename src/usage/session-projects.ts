/** The latest project and branch of each recent session, so its subagents' requests inherit them. */

export interface SessionProject {
  project: string | null;
  branch: string | null;
}

export interface SessionProjects {
  get(conversationId: string): SessionProject | undefined;
  set(conversationId: string, value: SessionProject): void;
}

/** Bounded: the oldest session is forgotten first (the database still knows it, see write-usage). */
export function createSessionProjects(limit = 10_000): SessionProjects {
  const sessions = new Map<string, SessionProject>();
  return {
    get: (conversationId) => sessions.get(conversationId),
    set(conversationId, value) {
      sessions.delete(conversationId);
      sessions.set(conversationId, value);
      if (sessions.size > limit) {
        const oldest = sessions.keys().next();
        if (oldest.done !== true) sessions.delete(oldest.value);
      }
    },
  };
}
