// Thrown when record bytes are malformed: a bad CRC, a length pointing past the batch, an unknown
// magic or codec. Named after Kafka's CorruptRecordException, which the broker maps to
// CORRUPT_MESSAGE (error code 2).
export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError'
}
