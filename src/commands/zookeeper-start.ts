import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ZookeeperStart extends Command {
  static override summary = 'Start a ZooKeeper-compatible coordination server.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['zookeeper-server-start', 'zookeeper-server-start.sh']

  async run(): Promise<void> {
    await this.parse(ZookeeperStart)
    notAvailable(this, 'zookeeper-start')
  }
}
