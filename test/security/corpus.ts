/**
 * A deterministic corpus of hostile HTTP/1.1 input for the proxy (bad-input.test.ts): each case is
 * the raw bytes of one TCP connection, generated from a seed, plus what each request in it claims
 * (its Host names and its own header bytes), so a checker can tell which upstream credential it may
 * ever be forwarded with.
 */
import { CorpusBuilder, createRng, type CorpusCase } from './corpus-builder.js';
import { contentFamilies } from './corpus-content.js';
import { framingFamilies } from './corpus-framing.js';

export { ALPHA, BETA, OPEN, type CorpusCase, type Family, type SentRequest } from './corpus-builder.js';

/** The seed the suite runs with; CORPUS_SEED replays another corpus. */
export const DEFAULT_SEED = 0x5eed2026;

/** The whole corpus for `seed`: the same seed always gives the same bytes. */
export function generateCorpus(seed: number = DEFAULT_SEED): CorpusCase[] {
  const builder = new CorpusBuilder(createRng(seed));
  for (const family of [...contentFamilies, ...framingFamilies]) family(builder);
  return builder.cases;
}
