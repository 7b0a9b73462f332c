// Errors the log raises, each carrying the Kafka error code the broker puts in the partition's
// response (codes from Kafka's Errors.java; kept here so storage does not depend on the generated
// codec).
export const LogErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_TIMESTAMP: 32,
  KAFKA_STORAGE_ERROR: 56,
  LOG_DIR_NOT_FOUND: 57,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  INVALID_CONFIG: 40,
  TOPIC_ALREADY_EXISTS: 36,
  POLICY_VIOLATION: 44,
  INVALID_RECORD: 87,
  UNKNOWN_LEADER_EPOCH: 75,
} as const

/** Per-record detail for INVALID_RECORD (ProduceResponse v8+ `recordErrors`). */
export interface RecordError {
  batchIndex: number
  batchIndexErrorMessage: string | null
}

export class LogError extends Error {
  override readonly name = 'LogError'
  constructor(
    readonly errorCode: number,
    message: string,
    readonly recordErrors: RecordError[] = [],
  ) {
    super(message)
  }
}

/** An I/O failure of a log dir (EACCES, ENOSPC, EIO...): the dir goes offline. */
export class LogDirFailure extends LogError {
  constructor(readonly dir: string, readonly ioError: Error) {
    super(LogErrorCode.KAFKA_STORAGE_ERROR, `Error while accessing log dir ${dir}: ${ioError.message}`)
  }
}
