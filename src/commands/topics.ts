import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class Topics extends Command {
  static override summary = 'Create, delete, describe, or change a topic.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-topics', 'kafka-topics.sh']

  async run(): Promise<void> {
    await this.parse(Topics)
    notAvailable(this, 'topics')
  }
}
