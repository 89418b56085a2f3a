/**
 * The headline cards above a run's charts. Each card holds one quantity; each of its numbers has
 * its own line and word ("clean", "before", "measured"), so that no two numbers on a card can be
 * read as a ratio or a range.
 */
export interface HighlightEntry {
  /** What this number is, in a word or two: "clean", "after", "theory". */
  word: string
  value: string
  interval?: string | null
  /** A warning beside the number ("at chance"), or null. */
  flag?: string | null
}

export interface HighlightCard {
  key: string
  /** The quantity, with its unit or formula where it helps: "λ50, per network". */
  title: string
  entries: HighlightEntry[]
  /** One short line under the numbers: what they mean together. */
  note?: string | null
}
