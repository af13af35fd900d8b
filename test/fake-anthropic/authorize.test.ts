// The fake's PKCE login: the consent page's checks and the token endpoint's code ↔ verifier check.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_ACCOUNT, startFakeAnthropic, type FakeAnthropic } from './index.js';

const CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
const REDIRECT = 'https://platform.claude.com/oauth/code/callback';

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
});

function login(): { verifier: string; state: string; url: URL } {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const url = new URL(`${fake.url}/oauth/authorize`);
  const params = {
    code: 'true',
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'user:profile user:inference',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { verifier, state, url };
}

const redeem = (grant: Record<string, string>): Promise<Response> =>
  fetch(`${fake.url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT, ...grant }),
    signal: AbortSignal.timeout(5000),
  });

describe('fake OAuth login (authorization code with PKCE)', () => {
  it('issues a live pair for the right verifier, with the account, and the code works once', async () => {
    const { verifier, state, url } = login();
    const { code, pasteText } = fake.authorize(url);
    expect(pasteText).toBe(`${code}#${state}`);
    const first = await redeem({ code, state, code_verifier: verifier });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { access_token: string; refresh_token: string; scope: string; account: unknown };
    expect(body).toMatchObject({ scope: 'user:profile user:inference', account: { uuid: FAKE_ACCOUNT.uuid, email_address: FAKE_ACCOUNT.email } });
    expect(fake.currentOAuth()).toEqual([{ accessToken: body.access_token, refreshToken: body.refresh_token }]);
    const again = await redeem({ code, state, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a verifier that does not match the challenge, and burns the code', async () => {
    const { verifier, state, url } = login();
    const { code } = fake.authorize(url);
    const wrong = await redeem({ code, state, code_verifier: randomBytes(32).toString('base64url') });
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier' });
    expect((await redeem({ code, state, code_verifier: verifier })).status).toBe(400);
    expect(fake.currentOAuth()).toEqual([]);
  });

  it('refuses a mismatched redirect URI', async () => {
    const { verifier, state, url } = login();
    const { code } = fake.authorize(url);
    const res = await redeem({ code, state, code_verifier: verifier, redirect_uri: 'https://evil.example/cb' });
    expect(await res.json()).toMatchObject({ error_description: 'Redirect URI mismatch' });
  });

  it('rejects authorize URLs that are not PKCE S256 or not its own page', () => {
    const plain = login().url;
    plain.searchParams.set('code_challenge_method', 'plain');
    expect(() => fake.authorize(plain)).toThrow(/S256/);
    const noState = login().url;
    noState.searchParams.delete('state');
    expect(() => fake.authorize(noState)).toThrow(/lacks state/);
    expect(() => fake.authorize('https://claude.ai/oauth/authorize?x=1')).toThrow(/not this fake's authorize page/);
  });
});
