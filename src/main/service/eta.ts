/**
 * The time a run has left, from the share of its work done (the experiment's estimate, or
 * step / total). The rate is taken from the reports since the first one, not from the start of
 * the run: what comes before the first report (a worker starting, data loading) does not repeat.
 * Until a second report, the rate is taken from the start of the run.
 */
export class EtaEstimator {
  private first: { work: number; at: number } | null = null

  /** Seconds left at time `now` (ms) with `work` (0 to 1) done, for a run started at `startedAt`. */
  update(work: number, now: number, startedAt: number): number | null {
    if (work >= 1) return 0
    if (!(work > 0)) return null
    if (this.first === null || work < this.first.work) this.first = { work, at: now }
    const perWork =
      work > this.first.work
        ? (now - this.first.at) / (work - this.first.work)
        : (now - startedAt) / work
    return Math.max(0, (perWork * (1 - work)) / 1000)
  }
}
