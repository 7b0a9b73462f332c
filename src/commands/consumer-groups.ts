import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConsumerGroups extends Command {
  static override summary = 'List, describe, delete consumer groups and reset their offsets.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-consumer-groups', 'kafka-consumer-groups.sh']

  async run(): Promise<void> {
    await this.parse(ConsumerGroups)
    notAvailable(this, 'consumer-groups')
  }
}
