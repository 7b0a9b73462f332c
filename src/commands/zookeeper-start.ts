import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class ZookeeperStart extends Command {
  static override summary = 'Start a ZooKeeper-compatible coordination server.'
  static override hiddenAliases = ['zookeeper-server-start', 'zookeeper-server-start.sh']

  async run(): Promise<void> {
    await this.parse(ZookeeperStart)
    notAvailable(this, 'zookeeper-start')
  }
}
