// Every fsync of the log goes through here. Tests that simulate crashes by dropping descriptors
// (the page cache survives them) switch fsync off to stay fast; nothing else should.
import * as fs from 'node:fs'

export const durability = {fsync: true}

export function syncFd(fd: number): void {
  if (durability.fsync) fs.fsyncSync(fd)
}
