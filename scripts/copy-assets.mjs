// Does what tsc does not: copies the SQL migrations, the embedded database's worker (plain JS) and
// the dashboard's browser files next to their compiled modules, and makes the `nexus` bin executable
// (tsc writes every file 0644).
import { chmodSync, cpSync } from 'node:fs';
import { URL } from 'node:url';

cpSync(new URL('../src/storage/migrations/', import.meta.url), new URL('../dist/storage/migrations/', import.meta.url), {
  recursive: true,
});
cpSync(new URL('../src/storage/pglite-worker.mjs', import.meta.url), new URL('../dist/storage/pglite-worker.mjs', import.meta.url));
cpSync(new URL('../src/dashboard/public/', import.meta.url), new URL('../dist/dashboard/public/', import.meta.url), {
  recursive: true,
});
chmodSync(new URL('../dist/main/nexus.js', import.meta.url), 0o755);
