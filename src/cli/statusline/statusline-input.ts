/**
 * The JSON Claude Code pipes to a statusLine command on stdin (code.claude.com/docs/en/statusline,
 * "Available data"): session_id, model.id / model.display_name, workspace, cost.total_cost_usd,
 * and for Pro/Max subscribers rate_limits.five_hour / seven_day { used_percentage 0-100,
 * resets_at epoch seconds }. Read leniently: every field is optional and a malformed one is dropped.
 * No input at all (run by hand) is an empty input; text that is not a JSON object is unreadable
 * (null): the command then prints its fallback rather than guess whose figures to show. Never throws.
 */
import { z } from 'zod';

export interface WindowUse {
  /** 0-1. */
  share: number;
  resetsAt: Date | null;
}

export interface StatuslineInput {
  sessionId: string | null;
  /** The model's display name, else its id. */
  model: string | null;
  fiveHour: WindowUse | null;
  sevenDay: WindowUse | null;
}

const text = z.string().trim().min(1).max(500).optional().catch(undefined);
const window = z
  .object({ used_percentage: z.number().min(0), resets_at: z.number().positive().optional().catch(undefined) })
  .optional()
  .catch(undefined);
const schema = z.object({
  session_id: text,
  model: z.object({ id: text, display_name: text }).optional().catch(undefined),
  rate_limits: z.object({ five_hour: window, seven_day: window }).optional().catch(undefined),
});

export const EMPTY_INPUT: StatuslineInput = Object.freeze({ sessionId: null, model: null, fiveHour: null, sevenDay: null });

export function parseStatuslineInput(raw: string): StatuslineInput | null {
  if (raw.trim() === '') return EMPTY_INPUT;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return null;
  const { session_id: sessionId, model, rate_limits: limits } = parsed.data;
  const use = (w: z.infer<typeof window>): WindowUse | null =>
    w === undefined ? null : { share: w.used_percentage / 100, resetsAt: w.resets_at === undefined ? null : new Date(w.resets_at * 1000) };
  return {
    sessionId: sessionId ?? null,
    model: model?.display_name ?? model?.id ?? null,
    fiveHour: use(limits?.five_hour),
    sevenDay: use(limits?.seven_day),
  };
}
