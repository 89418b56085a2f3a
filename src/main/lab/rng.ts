/**
 * Seeded random streams (SCIENCE.md section 10). A run's seed fans out into named streams
 * ("data/train", "key", "weights", ...), so that changing one option does not reshuffle the
 * draws of another. Generator: xoshiro128** (Blackman and Vigna), seeded by splitmix32 from a
 * 128-bit hash of the seed and the stream name.
 */
import { hash128 } from '../../shared/hash'

function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  private spareNormal: number | null = null

  constructor(readonly label: string) {
    const mix = splitmix32(hash128(label).reduce((a, b) => (a ^ b) >>> 0, 0))
    const h = hash128(label)
    this.s0 = (h[0] ^ mix()) >>> 0
    this.s1 = (h[1] ^ mix()) >>> 0
    this.s2 = (h[2] ^ mix()) >>> 0
    this.s3 = (h[3] ^ mix()) >>> 0
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5
    const low = this.nextUint32() >>> 6
    return (high * 67108864 + low) / TWO_POW_53
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`'n' must be a positive integer (got ${n})`)
    if (n <= TWO_POW_32) {
      // Rejection sampling keeps the draw exactly uniform.
      const limit = TWO_POW_32 - (TWO_POW_32 % n)
      let x = this.nextUint32()
      while (x >= limit) x = this.nextUint32()
      return x % n
    }
    return Math.floor(this.uniform() * n)
  }

  /** A standard normal draw (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal
      this.spareNormal = null
      return spare
    }
    const u1 = 1 - this.uniform() // in (0, 1], so the log is finite
    const u2 = this.uniform()
    const radius = Math.sqrt(-2 * Math.log(u1))
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2)
    return radius * Math.cos(2 * Math.PI * u2)
  }

  /** A uniformly random order of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = order[i]
      order[i] = order[j]
      order[j] = t
    }
    return order
  }

  /** `count` standard normal draws as float32. */
  normals(count: number): Float32Array {
    const out = new Float32Array(count)
    for (let i = 0; i < count; i++) out[i] = this.normal()
    return out
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** The named stream `name` of the run seeded with `seed`. */
export function stream(seed: number, name: string): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`'seed' must be an integer in [0, 2^32-1] (got ${seed})`)
  }
  return new Rng(`backdoor-lab/${seed}/${name}`)
}
