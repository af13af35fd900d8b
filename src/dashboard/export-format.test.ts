import { describe, expect, it } from 'vitest';
import { csvField, exportStream, type Column } from './export-format.js';

const COLUMNS: Column<{ name: string; n: number | null; usd: string }>[] = [
  { name: 'name', kind: 'text', value: (r) => r.name },
  { name: 'n', kind: 'number', value: (r) => r.n },
  { name: 'usd', kind: 'decimal', value: (r) => r.usd },
];

async function* batches<T>(...lists: T[][]): AsyncGenerator<T[]> {
  // As a query would: each batch a tick later.
  for (const list of lists) yield await Promise.resolve(list);
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('CSV fields (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain', 'text')).toBe('plain');
    expect(csvField('a,b', 'text')).toBe('"a,b"');
    expect(csvField('say "hi"', 'text')).toBe('"say ""hi"""');
    expect(csvField('two\nlines', 'text')).toBe('"two\nlines"');
    expect(csvField(null, 'text')).toBe('');
    expect(csvField(12, 'number')).toBe('12');
  });

  it('defuses a text a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvField('=HYPERLINK("http://evil")', 'text')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('+1', 'text')).toBe("'+1");
    expect(csvField('@SUM(A1)', 'text')).toBe("'@SUM(A1)");
    expect(csvField(-3, 'number')).toBe('-3');
  });
});

describe('exportStream', () => {
  it('writes a header and every batch as CSV lines', async () => {
    const text = await read(exportStream('csv', COLUMNS, batches([{ name: 'a', n: 1, usd: '0.010000000000' }], [], [{ name: 'b,c', n: null, usd: '2' }])));
    expect(text).toBe('name,n,usd\r\na,1,0.010000000000\r\n"b,c",,2\r\n');
  });

  it('writes one JSON array, exact decimals as strings, empty or not', async () => {
    const text = await read(exportStream('json', COLUMNS, batches([{ name: 'a', n: 1, usd: '0.010000000000' }], [{ name: 'b', n: null, usd: '2' }])));
    expect(JSON.parse(text)).toEqual([
      { name: 'a', n: 1, usd: '0.010000000000' },
      { name: 'b', n: null, usd: '2' },
    ]);
    expect(JSON.parse(await read(exportStream('json', COLUMNS, batches())))).toEqual([]);
  });
});
