import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConsoleProducer extends Command {
  static override summary = 'Read lines from standard input and publish them to Kafka.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-console-producer', 'kafka-console-producer.sh']

  async run(): Promise<void> {
    await this.parse(ConsoleProducer)
    notAvailable(this, 'console-producer')
  }
}
