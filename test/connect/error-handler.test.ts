import {describe, expect, it} from 'vitest'
import {memoryLogger} from '../../src/common/logger.js'
import {ErrorHandler} from '../../src/connect/runtime/error-handler.js'

const boom = () => {
  throw new Error('bad record')
}

describe('errors.tolerance and errors.log.*', () => {
  it('fails the task by default, without logging', () => {
    const {logger, lines} = memoryLogger()
    expect(() => new ErrorHandler({}, logger).run('VALUE_CONVERTER', () => 'rec', boom)).toThrow('bad record')
    expect(lines).toEqual([])
  })

  it('skips the record with errors.tolerance=all, logging the stage and, when asked, the record', () => {
    const {logger, lines} = memoryLogger()
    const h = new ErrorHandler({'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true'}, logger)
    expect(h.run('TRANSFORMATION', () => 'record at t-0 offset 4', boom)).toBeUndefined()
    expect(h.run('TRANSFORMATION', () => 'x', () => 42)).toBe(42)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/ERROR Error encountered in task. Executing stage 'TRANSFORMATION' for record at t-0 offset 4: bad record/)
    const quiet = memoryLogger()
    new ErrorHandler({'errors.tolerance': 'all', 'errors.log.enable': 'true'}, quiet.logger).run('KEY_CONVERTER', () => 'secret', boom)
    expect(quiet.lines[0]).not.toContain('secret')
  })

  it('refuses an unknown tolerance with Kafka\'s message', () => {
    expect(() => new ErrorHandler({'errors.tolerance': 'some'}, memoryLogger().logger)).toThrow('Invalid value some for configuration errors.tolerance: String must be one of: none, all')
  })
})
