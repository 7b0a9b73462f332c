// errors.tolerance, errors.log.enable and errors.log.include.messages: whether a record that fails
// conversion or a transform fails the task (none, the default) or is skipped (all), and what is logged.
import type {Logger} from '../../common/logger.js'

export class ErrorHandler {
  readonly tolerateAll: boolean
  private readonly logEnabled: boolean
  private readonly includeMessages: boolean

  constructor(config: Record<string, string>, private readonly logger: Logger) {
    const tolerance = (config['errors.tolerance'] ?? 'none').trim().toLowerCase()
    if (tolerance !== 'none' && tolerance !== 'all') throw new Error(`Invalid value ${config['errors.tolerance']} for configuration errors.tolerance: String must be one of: none, all`)
    this.tolerateAll = tolerance === 'all'
    this.logEnabled = (config['errors.log.enable'] ?? 'false').trim().toLowerCase() === 'true'
    this.includeMessages = (config['errors.log.include.messages'] ?? 'false').trim().toLowerCase() === 'true'
  }

  /** Runs one stage for one record; returns undefined when the record is to be skipped. */
  run<T>(stage: string, describe: () => string, fn: () => T): T | undefined {
    try {
      return fn()
    } catch (error) {
      if (this.logEnabled) {
        const what = this.includeMessages ? ` for ${describe()}` : ''
        this.logger.error(`Error encountered in task. Executing stage '${stage}'${what}: ${(error as Error).message}`)
      }
      if (!this.tolerateAll) throw error
      return undefined
    }
  }
}
