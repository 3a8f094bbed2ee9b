// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import java.io.Serializable;

/**
 * An immutable, splittable, counter-based random key: two 32-bit words, as a JAX {@code PRNGKey}.
 *
 * <p>Randomness in Ember is explicit and derived, never ambient: a key is split for each purpose
 * ({@link #split(int)}), or a number is folded into it ({@link #foldIn(long)}) to derive a key per
 * step or per datum, and samplers ({@link Samplers}) are pure functions of a key and a shape. The
 * same key gives the same numbers on any thread, machine or partitioning. Splitting and folding
 * follow JAX's original Threefry construction bit for bit, so {@code RngKey.of(0).split()} equals
 * JAX's {@code random.split(PRNGKey(0))}.
 *
 * <pre>{@code
 * RngKey root = RngKey.of(0);
 * RngKey[] keys = root.split(2);              // one for the data, one for the model
 * RngKey perStep = root.foldIn(120);          // the key of step 120
 * Tensor eps = Samplers.normal(keys[0], Shape.of(3, 4));
 * }</pre>
 *
 * <p>References: Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC'11); Claessen
 * and Pałka, "Splittable pseudorandom number generators using cryptographic hashing" (2013); JAX
 * PRNG design notes (jax/docs/jep/263-prng.md).
 */
public final class RngKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int word0;
  private final int word1;

  private RngKey(int word0, int word1) {
    this.word0 = word0;
    this.word1 = word1;
  }

  /** The key of a seed: its high and low 32 bits, as {@code jax.random.PRNGKey(seed)}. */
  public static RngKey of(long seed) {
    return new RngKey((int) (seed >>> 32), (int) seed);
  }

  /** A key from its two words (as printed by {@link #toString()}). */
  public static RngKey fromWords(int word0, int word1) {
    return new RngKey(word0, word1);
  }

  /** The first word. */
  public int word0() {
    return word0;
  }

  /** The second word. */
  public int word1() {
    return word1;
  }

  /** Two independent keys. */
  public RngKey[] split() {
    return split(2);
  }

  /**
   * {@code n} independent keys: Threefry of the counters {@code 0 .. 2n-1}, the first half as
   * first words and the second half as second words, read back in pairs (JAX's construction).
   */
  public RngKey[] split(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("split: n must be >= 1, got " + n);
    }
    int[] words = new int[2 * n];
    for (int i = 0; i < n; i++) {
      long h = Threefry.hash(word0, word1, i, n + i);
      words[i] = Threefry.low(h);
      words[n + i] = Threefry.high(h);
    }
    RngKey[] keys = new RngKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new RngKey(words[2 * i], words[2 * i + 1]);
    }
    return keys;
  }

  /** A key derived from this one and {@code data} (a step, a row id, a site index). */
  public RngKey foldIn(long data) {
    long h = Threefry.hash(word0, word1, (int) (data >>> 32), (int) data);
    return new RngKey(Threefry.low(h), Threefry.high(h));
  }

  /** 64 random bits for counter {@code i}: the stream that samplers draw element {@code i} from. */
  public long bits(long i) {
    return Threefry.hash(word0, word1, (int) (i >>> 32), (int) i);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RngKey k && k.word0 == word0 && k.word1 == word1;
  }

  @Override
  public int hashCode() {
    return 31 * word0 + word1;
  }

  /** {@code RngKey[word0, word1]} with the words as unsigned decimals, as JAX prints them. */
  @Override
  public String toString() {
    return "RngKey["
        + Integer.toUnsignedString(word0)
        + ", "
        + Integer.toUnsignedString(word1)
        + "]";
  }
}
