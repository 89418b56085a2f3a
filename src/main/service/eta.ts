/**
 * The time a run has left, from its progress reports. A run's first steps often cost more or
 * less than the rest (setup, a first measurement), so the rate is taken from the steps reported
 * since the first one, not from the start of the run; until two steps are in, from the start.
 */
export class EtaEstimator {
  private first: { step: number; at: number } | null = null

  /** Seconds left after `step` of `total` at time `now` (ms) of a run that started at `startedAt`. */
  update(step: number, total: number, now: number, startedAt: number): number | null {
    if (step >= total) return 0
    if (step <= 0) return null
    if (this.first === null || step < this.first.step) this.first = { step, at: now }
    const perStep =
      step > this.first.step
        ? (now - this.first.at) / (step - this.first.step)
        : (now - startedAt) / step
    return Math.max(0, (perStep * (total - step)) / 1000)
  }
}
