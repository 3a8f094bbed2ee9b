// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The definition of which series each step trains on, computed in one place from all N ids: the
 * reference that the distributed {@link MinibatchIndex} must reproduce exactly. A function of
 * (seed, epoch, row id) only, never of how the data is partitioned. Each epoch orders the N ids by a keyed hash ({@code hash(seed, epoch, id)},
 * ties by id) and cuts that order into {@code floor(N / B)} minibatches of exactly B ids (the
 * last {@code N mod B} ids of the epoch's order sit that epoch out, a different few each epoch).
 * Step s is minibatch {@code s mod K} of epoch {@code s / K}.
 *
 * <pre>{@code
 * Minibatches mb = new Minibatches(ids, 256, 42L);
 * long[] batch = mb.batch(17);     // the sorted ids of step 17
 * mb.epochOf(17);                  // 17 / (N / 256)
 * }</pre>
 *
 * <p>Over the K minibatches of an epoch every kept id appears once, so averaged over them the
 * estimate {@code (N / B) sum_batch f_i} equals {@code sum_kept f_i}; over the random orders it
 * is unbiased for {@code sum_all f_i}.
 */
final class Minibatches implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] ids; // sorted
  private final int batchSize;
  private final long seed;
  private final int perEpoch;
  private transient long cachedEpoch = -1;
  private transient long[] cachedOrder;

  /** Minibatches of {@code batchSize} of the distinct {@code ids}. */
  Minibatches(long[] ids, int batchSize, long seed) {
    if (ids.length == 0) {
      throw new IllegalArgumentException("minibatches: the dataset has no rows");
    }
    if (batchSize < 1 || batchSize > ids.length) {
      throw new IllegalArgumentException(
          "minibatches: batch size " + batchSize + " must be in [1, " + ids.length + "] (N)");
    }
    this.ids = ids.clone();
    Arrays.sort(this.ids);
    for (int i = 1; i < this.ids.length; i++) {
      if (this.ids[i] == this.ids[i - 1]) {
        throw new IllegalArgumentException("minibatches: duplicate id " + this.ids[i]);
      }
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.perEpoch = ids.length / batchSize;
  }

  /** N. */
  int size() {
    return ids.length;
  }

  /** B. */
  int batchSize() {
    return batchSize;
  }

  /** K = floor(N / B), the minibatches per epoch. */
  int perEpoch() {
    return perEpoch;
  }

  /** The epoch of step {@code step}. */
  long epochOf(long step) {
    return step / perEpoch;
  }

  /** The ids of step {@code step}, sorted. */
  synchronized long[] batch(long step) {
    long epoch = epochOf(step);
    if (epoch != cachedEpoch || cachedOrder == null) {
      cachedOrder = order(epoch);
      cachedEpoch = epoch;
    }
    int j = (int) (step % perEpoch);
    long[] out = Arrays.copyOfRange(cachedOrder, j * batchSize, (j + 1) * batchSize);
    Arrays.sort(out);
    return out;
  }

  /** The epoch's order of all ids. */
  private long[] order(long epoch) {
    int n = ids.length;
    long[][] keyed = new long[n][];
    for (int i = 0; i < n; i++) {
      keyed[i] = new long[] {EpochKeys.hash(seed, epoch, ids[i]), ids[i]};
    }
    Arrays.sort(keyed, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = keyed[i][1];
    }
    return out;
  }
}
