import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class DumpLog extends Command {
  static override summary = 'Print the contents of Kafka log segments and indexes.'
  static override hiddenAliases = ['kafka-dump-log', 'kafka-dump-log.sh']

  async run(): Promise<void> {
    await this.parse(DumpLog)
    notAvailable(this, 'dump-log')
  }
}
