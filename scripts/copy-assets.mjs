// Copies what tsc does not: the SQL migrations and the dashboard's browser files, next to their compiled modules.
import { cpSync } from 'node:fs';
import { URL } from 'node:url';

cpSync(new URL('../src/storage/migrations/', import.meta.url), new URL('../dist/storage/migrations/', import.meta.url), {
  recursive: true,
});
cpSync(new URL('../src/dashboard/public/', import.meta.url), new URL('../dist/dashboard/public/', import.meta.url), {
  recursive: true,
});
