/**
 * The shard folder's rules: which shard computes which slot (every slot exactly once, for any
 * N), what `--shard i/N` accepts, and the config hash that says a result is its slot's run.
 */
import { describe, expect, it } from 'vitest'
import { csvDatasetId, parseExperimentConfig, withCsvDataset } from '../../kinds/registry'
import { configHash, parseShardSpec, ShardError, shardOfSlot, slotsOfShard } from './shards'

describe('shards', () => {
  it('gives every slot to exactly one shard, for any number of shards, evenly', () => {
    const slots = Array.from({ length: 13 }, (_, k) => k)
    for (let of = 1; of <= 15; of++) {
      const shards = Array.from({ length: of }, (_, i) => slotsOfShard(slots, i + 1, of))
      expect(shards.flat().sort((a, b) => a - b)).toEqual(slots)
      const sizes = shards.map((s) => s.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      for (const [i, shard] of shards.entries())
        for (const k of shard) expect(shardOfSlot(k, of)).toBe(i + 1)
    }
  })

  it('reads --shard as i of N, 1 ≤ i ≤ N, and names the rule otherwise', () => {
    expect(parseShardSpec('2/4')).toEqual({ shard: 2, of: 4 })
    expect(parseShardSpec(' 1 / 1 ')).toEqual({ shard: 1, of: 1 })
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/3', '1.5/3']) {
      expect(() => parseShardSpec(bad)).toThrow(ShardError)
      expect(() => parseShardSpec(bad)).toThrow(/--shard must be i\/N with 1 ≤ i ≤ N/)
    }
  })

  it("hashes a run's config with the content of its data, not its data set's id in a lab", () => {
    const base = parseExperimentConfig({
      kind: 'finetune',
      d: 4,
      m: 40,
      k: 2,
      seed: 3,
      dataset: { kind: 'csv', datasetId: 1, labelColumn: 'y' }
    })
    const sha = 'a'.repeat(64)
    const hash = configHash(base, sha)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    // The same file under another id in another lab: the same computation.
    const otherId = withCsvDataset(base, 7)
    expect(csvDatasetId(otherId)).toBe(7)
    expect(configHash(otherId, sha)).toBe(hash)
    // Keys in another order: the same config.
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as typeof base
    expect(configHash(reordered, sha)).toBe(hash)
    // Another seed, another value, or another file's content: another computation.
    expect(configHash({ ...base, seed: 4 }, sha)).not.toBe(hash)
    expect(configHash({ ...base, k: 3 }, sha)).not.toBe(hash)
    expect(configHash(base, 'b'.repeat(64))).not.toBe(hash)
  })
})
