// The Kafka error codes the group coordinator answers with (values from Kafka's Errors.java, as
// in ../shared/kafka-protocol/error-codes.json). Kept here so the coordinator's state logic does
// not depend on the generated codec; handlers put these numbers straight into responses.
export const GroupError = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: -1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  OFFSET_METADATA_TOO_LARGE: 12,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  RECORD_LIST_TOO_LARGE: 18,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_COMMIT_OFFSET_SIZE: 28,
  UNSUPPORTED_VERSION: 35,
  INVALID_REQUEST: 42,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  KAFKA_STORAGE_ERROR: 56,
  MEMBER_ID_REQUIRED: 79,
  GROUP_MAX_SIZE_REACHED: 81,
  FENCED_INSTANCE_ID: 82,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
} as const

export type GroupErrorCode = (typeof GroupError)[keyof typeof GroupError]

/**
 * What a failed __consumer_offsets append turns into (Kafka's GroupMetadataManager mapping):
 * the client should retry or find the coordinator again, except for an oversized write.
 */
export function storeErrorCode(err: unknown, forOffsets: boolean): number {
  const code = typeof (err as {errorCode?: unknown})?.errorCode === 'number' ? (err as {errorCode: number}).errorCode : null
  if (code === GroupError.MESSAGE_TOO_LARGE || code === GroupError.RECORD_LIST_TOO_LARGE) {
    return forOffsets ? GroupError.INVALID_COMMIT_OFFSET_SIZE : GroupError.UNKNOWN_SERVER_ERROR
  }
  if (code === GroupError.KAFKA_STORAGE_ERROR) return GroupError.NOT_COORDINATOR
  return GroupError.COORDINATOR_NOT_AVAILABLE
}
