import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ServerStart extends Command {
  static override summary = 'Start a Kafka-compatible broker.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-server-start', 'kafka-server-start.sh']

  async run(): Promise<void> {
    await this.parse(ServerStart)
    notAvailable(this, 'server-start')
  }
}
