// A fake dist/ tree in a temp dir, with chosen mtimes: for the tests of how bin/run.js picks a
// bundle or the plain files (src/cli/fast-path.ts).
import {mkdirSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

/** Writes each file under <dir>/<name>/dist/; returns the URL fast-path.js would have there. */
export function distLayout(dir: string, name: string, files: Record<string, [mtimeSec: number, content?: string]>): string {
  const root = join(dir, name, 'dist')
  for (const [file, [mtimeSec, content]] of Object.entries(files)) {
    const path = join(root, file)
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, content ?? '')
    utimesSync(path, mtimeSec, mtimeSec)
  }
  return pathToFileURL(join(root, 'cli', 'fast-path.js')).href
}
