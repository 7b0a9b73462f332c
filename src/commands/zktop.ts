import {Command} from '@oclif/core'
import {notAvailable} from '../cli/not-available.js'

export default class Zktop extends Command {
  static override summary = 'A top-like monitor of ZooKeeper servers.'
  // Shown in the README's command table; drop it when the command works.
  static status = 'not available yet'
  static override hiddenAliases = ['zktop.py']

  async run(): Promise<void> {
    await this.parse(Zktop)
    notAvailable(this, 'zktop')
  }
}
