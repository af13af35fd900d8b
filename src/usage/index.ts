/** The usage ledger: reading usage off the wire, pricing it, and getting every record into the database. */
export { createRecorder, type Recorder, type RecorderOptions, type RecorderStatus } from './recorder.js';
export { createUsageListenerFactory, type UsageListener, type UsageListenerOptions } from './usage-listener.js';
export { createUsageTap, type TapResult, type UsageTap, type UsageTapOptions } from './usage-tap.js';
export { createFingerprint, type Fingerprint } from './identity.js';
export { repriceUsage, type RepriceResult } from './reprice.js';
export { toBlocks, burnRate, BLOCK_MS, type BlockEntry, type UsageBlock, type BurnRate } from './blocks.js';
