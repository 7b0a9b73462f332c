import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConnectStandalone extends Command {
  static override summary = 'Run a Kafka Connect standalone worker.'
  static override hiddenAliases = ['connect-standalone.sh']

  async run(): Promise<void> {
    await this.parse(ConnectStandalone)
    notAvailable(this, 'connect-standalone')
  }
}
