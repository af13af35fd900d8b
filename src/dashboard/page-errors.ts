/** The pages' error answers: a readable 400 naming the bad parameter, a 404 naming what is missing. */
import type { Context } from 'hono';
import type { DashboardEnv } from './auth.js';
import { MessagePage, renderPage, type NavSection } from './layout.js';

export function badRequestPage(c: Context<DashboardEnv>, error: string, section?: NavSection): Promise<Response> {
  return renderPage(c, MessagePage({ page: c.var.page, title: 'Bad request', message: `This page cannot show that: ${error}.`, ...(section === undefined ? {} : { section }) }), 400);
}

export function notFoundPage(c: Context<DashboardEnv>, title: string, message: string, section?: NavSection): Promise<Response> {
  return renderPage(c, MessagePage({ page: c.var.page, title, message, ...(section === undefined ? {} : { section }) }), 404);
}

/** The API's 400, in the same shape as every other API error. */
export function badRequestJson(c: Context, error: string): Response {
  return c.json({ type: 'error', error: { type: 'invalid_request_error', message: `Bad query: ${error}` } }, 400);
}
