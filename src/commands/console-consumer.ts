import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ConsoleConsumer extends Command {
  static override summary = 'Consume messages from Kafka and print them to standard output.'
  static override hiddenAliases = ['kafka-console-consumer', 'kafka-console-consumer.sh']

  async run(): Promise<void> {
    await this.parse(ConsoleConsumer)
    notAvailable(this, 'console-consumer')
  }
}
