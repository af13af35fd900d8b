-- Bodies are stored as text and compressed by PostgreSQL itself (TOAST), not gzipped by the proxy:
-- compressing on the proxy cost its hot path ~60 µs a request. Rows written before keep their
-- gzip bytes in request_body / response_body; readers take the text when present.
ALTER TABLE request_bodies ADD COLUMN request_text text, ADD COLUMN response_text text;

-- lz4 compresses several times faster than the default pglz; not every build has it (PGlite).
-- (One line: the migration runner splits statements at a `;` that ends a line.)
DO $$ BEGIN ALTER TABLE request_bodies ALTER COLUMN request_text SET COMPRESSION lz4, ALTER COLUMN response_text SET COMPRESSION lz4; EXCEPTION WHEN OTHERS THEN NULL; END $$;
