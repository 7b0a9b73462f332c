import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConsoleConsumer extends Command {
  static override summary = 'Consume messages from Kafka and print them to standard output.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['kafka-console-consumer', 'kafka-console-consumer.sh']

  async run(): Promise<void> {
    await this.parse(ConsoleConsumer)
    notAvailable(this, 'console-consumer')
  }
}
