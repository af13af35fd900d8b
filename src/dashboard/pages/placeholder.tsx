/** A section whose page is not built yet: it still renders in the layout, with the nav. */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { Empty, Layout, type NavSection, type PageContext } from '../layout.js';

export function PlaceholderPage(props: { page: PageContext; section: NavSection; title: string; text: string }): JSX.Element {
  return (
    <Layout title={props.title} page={props.page} section={props.section}>
      <div class="page-head">
        <h1>{props.title}</h1>
      </div>
      <Empty>{props.text}</Empty>
    </Layout>
  );
}
