import {describe, expect, it} from 'vitest'
import {ERRORS, ErrorCode, errorMessage, errorName, isRetriable} from '../../../src/protocol/kafka/generated/error-codes.js'

describe('error codes', () => {
  it("carry Kafka's names and codes", () => {
    expect(ErrorCode.NONE).toBe(0)
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1)
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1)
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6)
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(ErrorCode.TOPIC_ALREADY_EXISTS).toBe(36)
    expect(ERRORS.length).toBeGreaterThanOrEqual(129)
    expect(new Set(ERRORS.map((e) => e.code)).size).toBe(ERRORS.length)
  })

  it('name, message and retriability by code', () => {
    expect(errorName(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(errorName(9999)).toBe('UNKNOWN(9999)')
    expect(errorMessage(0)).toBe('')
    expect(errorMessage(36)).toMatch(/already exists/)
    expect(errorMessage(9999)).toBe('Unknown error code 9999.')
    expect(isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(true)
    expect(isRetriable(ErrorCode.TOPIC_ALREADY_EXISTS)).toBe(false)
  })
})
