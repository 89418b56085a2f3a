/**
 * Native save and open dialogs for the desktop window: the renderer hands over a file to save
 * (an exported figure, table or bundle) or asks for a file to import, and the main process shows
 * the platform's dialog, remembers the folder, and reads or writes the file. Requests come from
 * the renderer, so they are checked like any other IPC payload.
 */
import { readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import {
  dialog,
  type BrowserWindow,
  type FileFilter,
  type OpenDialogOptions,
  type SaveDialogOptions
} from 'electron'
import { formatBytes, LabApiError, MAX_DATASET_BYTES, tooLargeMessage } from '../../shared/api'
import type { OpenFilePurpose, OpenFileResult, SaveFileResult } from '../../shared/desktop'

/** The largest file the save dialog writes, and the largest bundle it opens. */
export const MAX_SAVED_BYTES = 512 * 1024 * 1024
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024

const FILE_TYPES: Record<string, string> = {
  png: 'PNG image',
  svg: 'SVG image',
  pdf: 'PDF document',
  csv: 'CSV table',
  json: 'JSON file'
}

const OPEN: Record<
  OpenFilePurpose,
  { title: string; filters: FileFilter[]; maxBytes: number; tooLarge(bytes: number): string }
> = {
  bundle: {
    title: 'Import a bundle of runs',
    filters: [{ name: 'Backdoor Lab bundle', extensions: ['json'] }],
    maxBytes: MAX_BUNDLE_BYTES,
    tooLarge: (bytes) =>
      `the file is ${formatBytes(bytes)}; the lab imports bundles of at most ${formatBytes(MAX_BUNDLE_BYTES)}`
  },
  csv: {
    title: 'Import a CSV data set',
    filters: [{ name: 'CSV table', extensions: ['csv'] }],
    maxBytes: MAX_DATASET_BYTES,
    tooLarge: (bytes) => tooLargeMessage(bytes)
  }
}

function badRequest(field: string, message: string): LabApiError {
  return new LabApiError(`Invalid request: ${field}: ${message}`, [{ field, message }], 400)
}

/** A suggested file name: a name only, no folder, no control characters. */
function checkFileName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255)
    throw badRequest('fileName', 'must be a file name of 1 to 255 characters')
  if (/[\\/\u0000-\u001f]/.test(value) || value === '.' || value === '..')
    throw badRequest('fileName', 'must be a file name without folders or control characters')
  return value
}

export class NativeFiles {
  private lastFolder: string | null = null

  constructor(private readonly documentsFolder: string) {}

  private folder(): string {
    return this.lastFolder ?? this.documentsFolder
  }

  /** Asks where to save, then writes; `{ saved: false }` when the user cancels. */
  async save(window: BrowserWindow | null, request: unknown): Promise<SaveFileResult> {
    const r = (request ?? {}) as { fileName?: unknown; data?: unknown }
    const fileName = checkFileName(r.fileName)
    const data = r.data
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw badRequest('data', 'must be text or bytes')
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
    if (size > MAX_SAVED_BYTES)
      throw badRequest('data', `must be at most ${formatBytes(MAX_SAVED_BYTES)}`)
    const extension = extname(fileName).slice(1).toLowerCase()
    const type = FILE_TYPES[extension]
    const options: SaveDialogOptions = {
      title: `Save ${fileName}`,
      defaultPath: join(this.folder(), fileName),
      filters: type ? [{ name: type, extensions: [extension] }] : [],
      properties: ['showOverwriteConfirmation', 'createDirectory']
    }
    const answer = window
      ? await dialog.showSaveDialog(window, options)
      : await dialog.showSaveDialog(options)
    if (answer.canceled || !answer.filePath) return { saved: false }
    await writeFile(answer.filePath, data)
    this.lastFolder = dirname(answer.filePath)
    return { saved: true, path: answer.filePath }
  }

  /** Asks for a file, then reads it as text; `{ opened: false }` when the user cancels. */
  async open(window: BrowserWindow | null, purpose: unknown): Promise<OpenFileResult> {
    if (purpose !== 'bundle' && purpose !== 'csv')
      throw badRequest('purpose', "must be 'bundle' or 'csv'")
    const kind = OPEN[purpose]
    const options: OpenDialogOptions = {
      title: kind.title,
      defaultPath: this.folder(),
      filters: kind.filters,
      properties: ['openFile']
    }
    const answer = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options)
    const path = answer.filePaths[0]
    if (answer.canceled || !path) return { opened: false }
    this.lastFolder = dirname(path)
    const name = basename(path)
    const { size } = await stat(path)
    if (size > kind.maxBytes) throw new LabApiError(`${name}: ${kind.tooLarge(size)}`, [], 413)
    return { opened: true, name, content: await readFile(path, 'utf8') }
  }
}
