// Copies what tsc does not: the SQL migrations, next to the compiled storage module.
import { cpSync } from 'node:fs';
import { URL } from 'node:url';

cpSync(new URL('../src/storage/migrations/', import.meta.url), new URL('../dist/storage/migrations/', import.meta.url), {
  recursive: true,
});
