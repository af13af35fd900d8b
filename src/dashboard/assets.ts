/**
 * The dashboard's static files: our own (public/, copied next to the compiled module) and uPlot from
 * our node_modules, never a CDN, so the dashboard works offline. Each URL carries a content hash:
 * a matching one is cached for a year, anything else revalidates by ETag.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const TYPES = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
} as const;

const OWN = ['nexus.css', 'nexus.js', 'overview.js', 'accounts.js', 'requests.js', 'favicon.svg'] as const;
const UPLOT = { 'uplot.js': 'uplot/dist/uPlot.iife.min.js', 'uplot.css': 'uplot/dist/uPlot.min.css' } as const;

export type AssetName = (typeof OWN)[number] | keyof typeof UPLOT;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  hash: string;
}

let loaded: Map<string, Asset> | null = null;

function loadAssets(): Map<string, Asset> {
  if (loaded !== null) return loaded;
  const require = createRequire(import.meta.url);
  const paths: [string, string][] = [
    ...OWN.map((name): [string, string] => [name, fileURLToPath(new URL(`./public/${name}`, import.meta.url))]),
    ...Object.entries(UPLOT).map(([name, id]): [string, string] => [name, require.resolve(id)]),
  ];
  const assets = new Map<string, Asset>();
  for (const [name, path] of paths) {
    const body = new Uint8Array(readFileSync(path));
    const extension = name.slice(name.lastIndexOf('.') + 1) as keyof typeof TYPES;
    assets.set(name, { body, type: TYPES[extension], hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  loaded = assets;
  return assets;
}

/** The URL of an asset, with its content hash (cache-busting). */
export function assetUrl(name: AssetName): string {
  const asset = loadAssets().get(name);
  return `/assets/${name}?v=${asset?.hash ?? ''}`;
}

/** GET /assets/:name. Reads every file at construction, so a missing one fails at start, not at first view. */
export function createAssetRoutes(): Hono {
  const assets = loadAssets();
  const routes = new Hono();
  routes.get('/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (asset === undefined) return c.notFound();
    const etag = `"${asset.hash}"`;
    // RFC 9111 §5.2.2.1 / RFC 8246: a hashed URL never changes, so it need not be revalidated.
    c.header('cache-control', c.req.query('v') === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('etag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('content-type', asset.type);
    return c.body(asset.body);
  });
  return routes;
}
