import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConnectStandalone extends Command {
  static override summary = 'Run a Kafka Connect standalone worker.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['connect-standalone.sh']

  async run(): Promise<void> {
    await this.parse(ConnectStandalone)
    notAvailable(this, 'connect-standalone')
  }
}
