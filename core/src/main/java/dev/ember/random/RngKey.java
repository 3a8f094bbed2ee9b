// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import java.io.Serializable;

/**
 * An immutable, splittable, counter-based random key: two 32-bit words, as a JAX {@code
 * PRNGKey}.
 *
 * <p>Randomness in Ember is explicit and derived, never ambient: a key is split for each purpose
 * ({@link #split(int)}), or a number is folded into it ({@link #foldIn(long)}) to derive the key
 * of a step or of a datum, and the samplers of {@link Samplers} are pure functions of a key and a
 * shape. A key is a value: the same key gives the same numbers on any thread, machine or
 * partitioning, and using it twice gives the same numbers twice (split it instead).
 *
 * <p>All derivations are the Threefry-2x32 block function (20 rounds) keyed by the two words, and
 * follow JAX's original (not the "partitionable") construction bit for bit:
 *
 * <ul>
 *   <li>{@code of(seed)} is {@code jax.random.PRNGKey(seed)}: the high and the low 32 bits;
 *   <li>{@code split(n)} hashes the counters {@code 0 .. 2n-1}, the first {@code n} as first and
 *       the last {@code n} as second counter words, concatenates all first output words and then
 *       all second output words, and reads that list back in pairs;
 *   <li>{@code foldIn(data)} is the block of the counter {@code (hi32(data), lo32(data))}.
 * </ul>
 *
 * <pre>{@code
 * RngKey root = RngKey.of(0);
 * RngKey[] keys = root.split(2);              // [4146024105, 967050713], [2718843009, 1272950319]
 * RngKey step = root.foldIn(120);             // the key of step 120
 * RngKey row = step.foldIn(rowId);            // the key of one datum in that step
 * Tensor eps = Samplers.normal(keys[0], Shape.of(3, 4));
 * }</pre>
 *
 * <p>References: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC'11 (2011); K. Claessen and M. H. Pałka, "Splittable
 * pseudorandom number generators using cryptographic hashing", Haskell Symposium (2013); JAX,
 * {@code jax/_src/prng.py} ({@code threefry_seed}, {@code _threefry_split_original}, {@code
 * _threefry_fold_in}) and the design note {@code docs/jep/263-prng.md}.
 */
public final class RngKey implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The first word, {@code hi32(seed)} for a key made by {@link #of(long)}. */
  private final int word0;

  /** The second word, {@code lo32(seed)} for a key made by {@link #of(long)}. */
  private final int word1;

  private RngKey(int word0, int word1) {
    this.word0 = word0;
    this.word1 = word1;
  }

  /**
   * The key of a seed, as {@code jax.random.PRNGKey(seed)} with 64-bit integers enabled.
   *
   * @param seed any long; its high 32 bits become the first word and its low 32 bits the second
   * @return the key {@code [hi32(seed), lo32(seed)]}
   */
  public static RngKey of(long seed) {
    return new RngKey((int) (seed >>> 32), (int) seed);
  }

  /**
   * A key from its two words, e.g. as read back from a checkpoint.
   *
   * @param word0 the first word (its bits, read as unsigned)
   * @param word1 the second word
   * @return the key {@code [word0, word1]}
   */
  public static RngKey fromWords(int word0, int word1) {
    return new RngKey(word0, word1);
  }

  /**
   * The first word.
   *
   * @return the first 32-bit word; {@link Integer#toUnsignedString(int)} shows it as JAX does
   */
  public int word0() {
    return word0;
  }

  /**
   * The second word.
   *
   * @return the second 32-bit word
   */
  public int word1() {
    return word1;
  }

  /**
   * Two new keys, as {@code jax.random.split(key)}.
   *
   * @return {@code split(2)}
   */
  public RngKey[] split() {
    return split(2);
  }

  /**
   * {@code n} new keys, as {@code jax.random.split(key, n)} with JAX's original Threefry
   * construction: the blocks of the counters {@code (i, n + i)} for {@code i < n} give the list
   * {@code y0(0), ..., y0(n-1), y1(0), ..., y1(n-1)}, and key {@code j} is its elements {@code 2j}
   * and {@code 2j + 1}. The keys therefore depend on {@code n}: {@code split(2)[0]} differs from
   * {@code split(3)[0]}.
   *
   * @param n how many keys, {@code 1 <= n <= 2^30}
   * @return an array of {@code n} keys, distinct from each other and from this key with
   *     overwhelming probability
   * @throws IllegalArgumentException if {@code n} is out of range
   */
  public RngKey[] split(int n) {
    if (n < 1 || n > 1 << 30) {
      throw new IllegalArgumentException("split: n must be in [1, 2^30], but got " + n);
    }
    int[] y0 = new int[n];
    int[] y1 = new int[n];
    for (int i = 0; i < n; i++) {
      long block = Threefry.threefry2x32(word0, word1, i, n + i);
      y0[i] = Threefry.word0(block);
      y1[i] = Threefry.word1(block);
    }
    RngKey[] keys = new RngKey[n];
    for (int j = 0; j < n; j++) {
      keys[j] = new RngKey(flat(y0, y1, 2 * j), flat(y0, y1, 2 * j + 1));
    }
    return keys;
  }

  /** Element {@code m} of the concatenation {@code y0 ++ y1}. */
  private static int flat(int[] y0, int[] y1, int m) {
    return m < y0.length ? y0[m] : y1[m - y0.length];
  }

  /**
   * A key derived from this one and {@code data} (a step, a row id, a site index), as {@code
   * jax.random.fold_in(key, data)}: the block of the counter {@code (hi32(data), lo32(data))}.
   * JAX converts {@code data} to {@code uint32} first, so the two agree for {@code 0 <= data <
   * 2^32}; beyond that the high bits select further keys instead of being dropped.
   *
   * @param data any long; distinct values give distinct keys with overwhelming probability
   * @return the derived key
   */
  public RngKey foldIn(long data) {
    long block = Threefry.threefry2x32(word0, word1, (int) (data >>> 32), (int) data);
    return new RngKey(Threefry.word0(block), Threefry.word1(block));
  }

  /**
   * The 64 random bits at a counter: the Threefry block of {@code (hi32(counter), lo32(counter))}
   * under this key, first output word in the high half. Samplers take the {@code d}-th draw of
   * element {@code i} from {@code bits((long) d << 32 | i)}.
   *
   * <p>This is the same block that {@link #foldIn(long)} turns into a key, so do not use one key
   * both for raw bits and for folding.
   *
   * @param counter the position in this key's stream
   * @return 64 uniformly random bits
   */
  public long bits(long counter) {
    return Threefry.threefry2x32(word0, word1, (int) (counter >>> 32), (int) counter);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RngKey k && k.word0 == word0 && k.word1 == word1;
  }

  @Override
  public int hashCode() {
    return 31 * word0 + word1;
  }

  /**
   * The key as {@code RngKey[word0, word1]}, the words as unsigned decimals, as JAX prints them.
   *
   * @return e.g. {@code RngKey[4146024105, 967050713]}
   */
  @Override
  public String toString() {
    return "RngKey["
        + Integer.toUnsignedString(word0)
        + ", "
        + Integer.toUnsignedString(word1)
        + "]";
  }
}
