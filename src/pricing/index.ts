// Public door of pricing: the dated price table, costOf, and exact USD conversions.
export { costOf, type Cost } from './cost.js';
export { resolvePricedModel } from './model-match.js';
export { PRICE_TABLE_VERSION } from './price-table.js';
export { formatUsd, picoToUsdString, usdStringToPico } from './usd.js';
