// What the terminal may be given: colours only on a TTY and never with NO_COLOR (no-color.org:
// present and not empty); FORCE_COLOR as chalk reads it. Block sparklines only under a UTF-8 locale.
export function useColor(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true
  return stream.isTTY === true && env.TERM !== 'dumb'
}

export function useUnicode(env: NodeJS.ProcessEnv = process.env): boolean {
  return /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '')
}
