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
 * <p><b>Row-carrying keys.</b> A key may also carry the rows of a plate ({@link #withRows},
 * {@link RowKeys}): it splits and folds as its words do and keeps the rows, and once placed at a
 * sample site ({@link #placeRows}) the samplers draw row {@code r} from {@code
 * base().foldIn(rowIds[r])}, so that a row's values do not depend on the other rows of its batch.
 * {@code Handlers.seedRows} makes them for the local sites of a data-parallel step.
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

  /** The rows of a row-carrying key ({@link #withRows}); null for a plain key. */
  private final RowKeys rows;

  private RngKey(int word0, int word1, RowKeys rows) {
    this.word0 = word0;
    this.word1 = word1;
    this.rows = rows;
  }

  /**
   * The key of a seed, as {@code jax.random.PRNGKey(seed)} with 64-bit integers enabled.
   *
   * @param seed any long; its high 32 bits become the first word and its low 32 bits the second
   * @return the key {@code [hi32(seed), lo32(seed)]}
   */
  public static RngKey of(long seed) {
    return new RngKey((int) (seed >>> 32), (int) seed, null);
  }

  /**
   * A key from its two words, e.g. as read back from a checkpoint.
   *
   * @param word0 the first word (its bits, read as unsigned)
   * @param word1 the second word
   * @return the key {@code [word0, word1]}
   */
  public static RngKey fromWords(int word0, int word1) {
    return new RngKey(word0, word1, null);
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
   * <p>A row-carrying key splits its words as a plain key does and every new key carries the same
   * rows, so a scan or a distribution that splits a site's key keeps the site row-keyed.
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
      keys[j] = new RngKey(flat(y0, y1, 2 * j), flat(y0, y1, 2 * j + 1), rows);
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
   * 2^32}; beyond that the high bits select further keys instead of being dropped. A row-carrying
   * key folds its words and the result carries the same rows.
   *
   * @param data any long; distinct values give distinct keys with overwhelming probability
   * @return the derived key
   */
  public RngKey foldIn(long data) {
    long block = Threefry.threefry2x32(word0, word1, (int) (data >>> 32), (int) data);
    return new RngKey(Threefry.word0(block), Threefry.word1(block), rows);
  }

  /**
   * The 64 random bits at a counter: the Threefry block of {@code (hi32(counter), lo32(counter))}
   * under this key, first output word in the high half. Samplers take the {@code d}-th draw of
   * element {@code i} from {@code bits((long) d << 32 | i)}.
   *
   * <p>This is the same block that {@link #foldIn(long)} turns into a key, so do not use one key
   * both for raw bits and for folding. A row-carrying key gives the bits of its words (its base),
   * ignoring the rows; samplers are what read the rows.
   *
   * @param counter the position in this key's stream
   * @return 64 uniformly random bits
   */
  public long bits(long counter) {
    return Threefry.threefry2x32(word0, word1, (int) (counter >>> 32), (int) counter);
  }

  // ------------------------------------------------------------------ row-carrying keys

  /**
   * This key carrying the rows of a plate: the same words, and one id per row of the plate's
   * current batch (see {@link RowKeys}). It splits and folds as this key does, keeping the rows;
   * once placed at a site ({@link #placeRows}) the samplers draw row {@code r} from the key
   * {@code base().foldIn(rowIds[r])}, so a row's values do not depend on the other rows of the
   * batch. {@code Handlers.seedRows} is the usual way to make one.
   *
   * @param plate the name of the plate whose rows these are
   * @param rowIds the rows' ids, in batch order, distinct (copied)
   * @return a row-carrying, unplaced key with this key's words (any rows of this key are replaced)
   * @throws IllegalArgumentException if the plate name is empty or an id appears twice (the
   *     message names the id)
   */
  public RngKey withRows(String plate, long... rowIds) {
    return new RngKey(word0, word1, RowKeys.of(plate, rowIds));
  }

  /**
   * This row-carrying key placed at a sample site: its rows lie on the plate's batch dimension
   * {@code batchDim} of the site's batch shape, followed by {@code eventRank} event axes.
   *
   * @param batchDim the plate's batch dimension, negative (counted from the right of the batch
   *     shape)
   * @param eventRank the site's event rank, {@code >= 0}
   * @return the placed key
   * @throws IllegalStateException if this key carries no rows
   * @throws IllegalArgumentException if {@code batchDim >= 0} or {@code eventRank < 0}
   */
  public RngKey placeRows(int batchDim, int eventRank) {
    if (rows == null) {
      throw new IllegalStateException(
          "placeRows: " + this + " carries no rows; make a row-carrying key with withRows first");
    }
    RowKeys placed = rows.placed(batchDim, eventRank);
    return placed == rows ? this : new RngKey(word0, word1, placed);
  }

  /**
   * The rows this key carries.
   *
   * @return the rows, or null for a plain key
   */
  public RowKeys rows() {
    return rows;
  }

  /**
   * This key without its rows.
   *
   * @return a plain key with the same words (this key if it is plain)
   */
  public RngKey base() {
    return rows == null ? this : new RngKey(word0, word1, null);
  }

  /**
   * The plain key that a row-keyed draw uses for row {@code r}: {@code base().foldIn(id(r))}.
   *
   * @param r the row's index in the batch, {@code 0 <= r < rows().size()}
   * @return the row's key
   * @throws IllegalStateException if this key carries no rows
   */
  public RngKey rowKey(int r) {
    if (rows == null) {
      throw new IllegalStateException("rowKey: " + this + " carries no rows");
    }
    long block = Threefry.threefry2x32(word0, word1, (int) (rows.id(r) >>> 32), (int) rows.id(r));
    return new RngKey(Threefry.word0(block), Threefry.word1(block), null);
  }

  /** Keys are equal when their words and their rows (if any) are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RngKey k
        && k.word0 == word0
        && k.word1 == word1
        && java.util.Objects.equals(k.rows, rows);
  }

  @Override
  public int hashCode() {
    return (31 * word0 + word1) * 31 + (rows == null ? 0 : rows.hashCode());
  }

  /**
   * The key as {@code RngKey[word0, word1]}, the words as unsigned decimals, as JAX prints them.
   *
   * @return e.g. {@code RngKey[4146024105, 967050713]}, followed by {@code ; rows of plate ...}
   *     for a row-carrying key
   */
  @Override
  public String toString() {
    return "RngKey["
        + Integer.toUnsignedString(word0)
        + ", "
        + Integer.toUnsignedString(word1)
        + (rows == null ? "" : "; " + rows)
        + "]";
  }
}
