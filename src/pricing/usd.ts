// Exact conversions between pico-dollar bigints and decimal strings (PostgreSQL NUMERIC, display).

const PICO_DIGITS = 12;
const PICO_PER_USD = 10n ** BigInt(PICO_DIGITS);
const USD_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function splitSign(pico: bigint): { sign: string; abs: bigint } {
  return pico < 0n ? { sign: '-', abs: -pico } : { sign: '', abs: pico };
}

/**
 * Pico-dollars as an exact decimal with 12 places, ready for a NUMERIC column.
 * @example picoToUsdString(1_234_567n) // '0.000001234567'
 */
export function picoToUsdString(pico: bigint): string {
  const { sign, abs } = splitSign(pico);
  const fraction = (abs % PICO_PER_USD).toString().padStart(PICO_DIGITS, '0');
  return `${sign}${(abs / PICO_PER_USD).toString()}.${fraction}`;
}

/**
 * The inverse of {@link picoToUsdString}, for NUMERIC values read back (e.g. a `SUM`). Accepts any
 * number of places; digits past the 12th must be zeros, since anything else would not be exact.
 * @throws RangeError on anything that is not a plain decimal.
 */
export function usdStringToPico(usd: string): bigint {
  const match = USD_DECIMAL.exec(usd.trim());
  if (match === null) throw new RangeError(`not a decimal USD amount: ${JSON.stringify(usd)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (/[^0]/.test(fraction.slice(PICO_DIGITS))) {
    throw new RangeError(`USD amount finer than a pico-dollar: ${JSON.stringify(usd)}`);
  }
  const pico = BigInt(whole) * PICO_PER_USD + BigInt(fraction.slice(0, PICO_DIGITS).padEnd(PICO_DIGITS, '0'));
  return sign === '-' ? -pico : pico;
}

/**
 * Dollars for people, rounded half up. Without `decimals`, amounts of a dollar or more get 2
 * places and smaller ones 4, so a cheap request does not read as `$0.00`.
 * @example formatUsd(1_234_567_890n) // '$0.0012'
 * @example formatUsd(12_345_000_000_000n) // '$12.35'
 */
export function formatUsd(pico: bigint, decimals?: number): string {
  const { sign, abs } = splitSign(pico);
  const places = decimals ?? (abs >= PICO_PER_USD ? 2 : 4);
  if (!Number.isInteger(places) || places < 0 || places > PICO_DIGITS) {
    throw new RangeError(`decimals must be an integer from 0 to ${PICO_DIGITS}, got ${places}`);
  }
  const unit = 10n ** BigInt(PICO_DIGITS - places);
  const rounded = (abs + unit / 2n) / unit;
  const scale = 10n ** BigInt(places);
  const fraction = places === 0 ? '' : `.${(rounded % scale).toString().padStart(places, '0')}`;
  // A negative amount that rounds to zero shows as $0.00, not -$0.00.
  return `${rounded === 0n ? '' : sign}$${(rounded / scale).toString()}${fraction}`;
}
