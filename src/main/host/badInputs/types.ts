/**
 * The corpus of bad inputs: each entry is one input the lab must refuse, the field the refusal
 * must name and a fragment of the rule it must state. The runner (corpus.test.ts) feeds each to
 * the real host it belongs to and checks, besides, that the database did not change. To add one,
 * append an entry to the file of its channel.
 */
import type { Bundle } from '../../export/bundle'

interface Expected {
  /** What is wrong, in a few words: the test's name. */
  title: string
  /** The field the error names: a request field, a bundle path, a header, a CLI option. */
  field: string
  /** A fragment of the message for that field: the rule, in the error's own words. */
  rule: string
}

/** A LabApi call, through the service's dispatch (what every host calls). */
export interface ApiBadInput extends Expected {
  channel: 'api'
  method: string
  params: unknown
  /** HTTP-like status of the refusal; 400 unless said. */
  status?: number
}

/** A raw HTTP request to the headless host. */
export interface HttpBadInput extends Expected {
  channel: 'http'
  /** The request; `token` adds the right x-lab-token header, `json` the JSON content type. */
  request: {
    method: string
    path: string
    headers?: Record<string, string>
    body?: string
    token?: boolean
    json?: boolean
  }
  status: number
}

/**
 * A bundle made from a valid one (two runs: an effectiveness run, and a universality run on an
 * imported CSV file), or written from scratch; importBundle must refuse it naming `field`.
 */
export interface BundleBadInput extends Expected {
  channel: 'bundle'
  /** Changes the bundle; with `resign`, its checksum is then computed again. */
  edit?: (bundle: Bundle) => void
  /** The text to import instead of an edited bundle. */
  text?: (valid: string) => string
  resign?: boolean
}

/** A command line (`lab <args>`); `files` are written first, their names usable as {name}. */
export interface CliBadInput extends Expected {
  channel: 'cli'
  args: string[]
  files?: Record<string, string>
  /** Exit code; 2 (bad input) unless said. */
  code?: number
}

/** A CSV file for importDataset: refused naming `content`, with the row and column. */
export interface CsvBadInput extends Expected {
  channel: 'csv'
  content: string
}

export type BadInput = ApiBadInput | HttpBadInput | BundleBadInput | CliBadInput | CsvBadInput
