import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class DumpLog extends Command {
  static override summary = 'Print the contents of Kafka log segments and indexes.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-dump-log', 'kafka-dump-log.sh']

  async run(): Promise<void> {
    await this.parse(DumpLog)
    notAvailable(this, 'dump-log')
  }
}
