import { describe, expect, it } from 'vitest';
import { resolvePricedModel } from './index.js';

describe('resolvePricedModel', () => {
  it.each([
    ['claude-opus-4-5', 'claude-opus-4-5'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['claude-mythos-5-1', 'claude-mythos-5-1'],
    ['Claude-Sonnet-5-5', 'claude-sonnet-5-5'],
  ])('prices %s as %s', (model, expected) => {
    expect(resolvePricedModel(model)).toBe(expected);
  });

  it('never falls back to a shorter family name', () => {
    // Prefix matching would price these as claude-opus-4 (3× the real price) or claude-sonnet-5.
    expect(resolvePricedModel('claude-opus-4-9')).toBeNull();
    expect(resolvePricedModel('claude-opus-4-5-preview')).toBeNull();
    expect(resolvePricedModel('claude-sonnet-5-7')).toBeNull();
  });

  it.each(['', 'gpt-4o', 'claude', 'claude-opus', '20250514', 'constructor', '__proto__', 'toString'])(
    'does not price %j, including names an object prototype would answer to',
    (model) => {
      expect(resolvePricedModel(model)).toBeNull();
    },
  );
});
