// The records layer in one import: CRC-32C, entry headers, RecordBatch v2, legacy message sets,
// codecs and whole record sets. kafkajs-codecs.ts stays out: it loads kafkajs.
export * from './batch-header.js'
export * from './compression.js'
export * from './crc32c.js'
export * from './errors.js'
export * from './legacy.js'
export * from './record-batch.js'
export * from './record-set.js'
