/**
 * What the CLI writes to the terminal: stored text with its control characters escaped, and a
 * quiet end when the reader closes the pipe.
 */

/** A reader that stops early (`lab list | head -1`) closes the pipe: then stop quietly, as ls does. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0)
      throw error
    })
  }
}

/**
 * Text from the database or the user, safe for a terminal: control characters (escape codes
 * that could move the cursor, retitle the window or hide text) are printed as \u001b.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** JSON for stdout: JSON.stringify escapes C0 controls but leaves C1 controls (U+0080-9F) raw. */
export function printJson(value: unknown): void {
  process.stdout.write(printable(JSON.stringify(value, null, 2)) + '\n')
}

/** console.log of text made printable. */
export function say(text: string): void {
  console.log(printable(text))
}
