/** The login form: the dashboard key in, a session cookie out. The key is never echoed back. */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { Layout, type PageContext } from '../layout.js';

export function LoginPage(props: { page: PageContext; next: string; error?: string }): JSX.Element {
  return (
    <Layout title="Log in" page={props.page}>
      <form class="login" method="post" action="/login">
        <h1>Log in</h1>
        <p>
          Enter the dashboard key: <code>DASHBOARD_API_KEY</code>, or the key printed at first start and kept in{' '}
          <code>DATA_DIR/dashboard-api-key</code>.
        </p>
        {props.error === undefined ? null : (
          <p class="form-error" role="alert">
            {props.error}
          </p>
        )}
        <label for="key">Dashboard key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required autofocus spellcheck={false} />
        <input type="hidden" name="next" value={props.next} />
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}
