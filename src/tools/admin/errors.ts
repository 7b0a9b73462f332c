// Kafka error codes as the tools report them: the spec name, the message (the broker's own text
// when it sent one, else Kafka's default) and the Java exception class Kafka's clients would
// name in messages such as "... due to: org.apache.kafka.common.errors.GroupNotEmptyException: ...".
import {ErrorCode, errorMessage} from '../../protocol/kafka/generated/error-codes.js'
import {KafkaApiError} from './types.js'

const NAMES = new Map<number, string>(Object.entries(ErrorCode as Record<string, number>).map(([name, code]) => [code, name]))

// Where Kafka's exception class is not the error name in CamelCase.
const EXCEPTIONS: Record<string, string> = {
  NON_EMPTY_GROUP: 'GroupNotEmptyException',
  TOPIC_ALREADY_EXISTS: 'TopicExistsException',
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  NOT_COORDINATOR: 'NotCoordinatorException',
  COORDINATOR_LOAD_IN_PROGRESS: 'CoordinatorLoadInProgressException',
  CORRUPT_MESSAGE: 'CorruptRecordException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  OFFSET_METADATA_TOO_LARGE: 'OffsetMetadataTooLarge',
  INVALID_FETCH_SIZE: 'InvalidFetchSizeException',
  NOT_LEADER_OR_FOLLOWER: 'NotLeaderOrFollowerException',
  INVALID_CONFIG: 'InvalidConfigurationException',
  POLICY_VIOLATION: 'PolicyViolationException',
}

export function errorName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN_ERROR_${code}`
}

export function exceptionClass(code: number): string {
  const name = errorName(code)
  const simple = EXCEPTIONS[name] ?? name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()) + 'Exception'
  return `org.apache.kafka.common.errors.${simple.replace(/ExceptionException$/, 'Exception')}`
}

export function kafkaError(code: number, message?: string | null): KafkaApiError {
  const text = message ?? errorMessage(code) ?? errorName(code)
  return new KafkaApiError(code, errorName(code), text, exceptionClass(code))
}

/** Throws when `code` is an error. */
export function check(code: number, message?: string | null): void {
  if (code !== 0) throw kafkaError(code, message)
}
