import type {Command} from '@oclif/core'

// A command whose behaviour has not landed yet says so and exits 1; it never pretends to work.
export function notAvailable(command: Command, name: string): never {
  process.stderr.write(`ktool ${name}: not available yet in this version of ktool\n`)
  return command.exit(1)
}
