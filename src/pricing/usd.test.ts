import { describe, expect, it } from 'vitest';
import { formatUsd, picoToUsdString, usdStringToPico } from './index.js';

describe('picoToUsdString / usdStringToPico', () => {
  it.each([
    [1_234_567n, '0.000001234567'],
    [0n, '0.000000000000'],
    [1n, '0.000000000001'],
    [1_000_000_000_000n, '1.000000000000'],
    [23_750_000_000n, '0.023750000000'],
    // Beyond 2^64 pico$: sums over a team's year must not overflow or round.
    [123_456_789_000_000_000_001n, '123456789.000000000001'],
  ])('writes %s pico$ as %s and reads it back', (pico, usd) => {
    expect(picoToUsdString(pico)).toBe(usd);
    expect(usdStringToPico(usd)).toBe(pico);
  });

  it('reads NUMERIC values with any scale', () => {
    expect(usdStringToPico('0.02375')).toBe(23_750_000_000n);
    expect(usdStringToPico('5')).toBe(5_000_000_000_000n);
    expect(usdStringToPico('1.0000000000000000')).toBe(1_000_000_000_000n);
    expect(usdStringToPico('-0.5')).toBe(-500_000_000_000n);
  });

  it.each(['', ' ', 'NaN', '1e3', '1.2.3', '$1.00', '.5', '0.0000000000001'])('rejects %j rather than reading it inexactly', (usd) => {
    expect(() => usdStringToPico(usd)).toThrow(RangeError);
  });
});

describe('formatUsd', () => {
  it('shows 4 places under a dollar and 2 from a dollar, rounding half up', () => {
    expect(formatUsd(1_234_567_890n)).toBe('$0.0012');
    // $12.345 rounds half up
    expect(formatUsd(12_345_000_000_000n)).toBe('$12.35');
    expect(formatUsd(0n)).toBe('$0.0000');
    expect(formatUsd(-1_234_567_890n)).toBe('-$0.0012');
  });

  it('takes an explicit number of places', () => {
    // $0.004999999999 and $0.005 either side of the half
    expect(formatUsd(4_999_999_999n, 2)).toBe('$0.00');
    expect(formatUsd(5_000_000_000n, 2)).toBe('$0.01');
    expect(formatUsd(1_500_000_000_000n, 0)).toBe('$2');
    expect(formatUsd(1_234_567n, 12)).toBe('$0.000001234567');
    expect(formatUsd(-1n, 4)).toBe('$0.0000');
  });

  it.each([-1, 13, 1.5])('rejects %s places', (decimals) => {
    expect(() => formatUsd(1n, decimals)).toThrow(RangeError);
  });
});
