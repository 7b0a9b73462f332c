import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ServerStart extends Command {
  static override summary = 'Start a Kafka-compatible broker.'
  static override hiddenAliases = ['kafka-server-start', 'kafka-server-start.sh']

  async run(): Promise<void> {
    await this.parse(ServerStart)
    notAvailable(this, 'server-start')
  }
}
