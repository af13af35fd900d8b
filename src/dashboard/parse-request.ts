/** A request's query or JSON body checked against a schema: the data, or a 400 in the API's shape saying what is wrong. */
import type { Context } from 'hono';
import type { z } from 'zod';

export function parse<T extends z.ZodType>(c: Context, schema: T): z.infer<T> | Response {
  const result = schema.safeParse(c.req.query());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`);
  return c.json({ type: 'error', error: { type: 'invalid_request_error', message: `Bad query: ${problems.join('; ')}` } }, 400);
}

export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T> | Response> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return c.json({ type: 'error', error: { type: 'invalid_request_error', message: 'Bad body: expected JSON.' } }, 400);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`);
  return c.json({ type: 'error', error: { type: 'invalid_request_error', message: `Bad body: ${problems.join('; ')}` } }, 400);
}
