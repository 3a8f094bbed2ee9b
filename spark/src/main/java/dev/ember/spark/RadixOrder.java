// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

/**
 * The order of positions {@code 0 .. n-1} sorted by a {@code long} key (signed order), equal keys
 * kept in position order: a least-significant-digit radix sort of 11-bit digits, six passes over
 * the keys with no comparisons and no boxing, for the million-row partitions that a comparator
 * over {@code Integer}s would make slow. Being stable, it sorts by (key, position). Fewer than
 * {@link #INSERTION_BELOW} keys are ordered by insertion instead, with the same result.
 *
 * <pre>{@code
 * int[] order = RadixOrder.byKey(new long[] {5, -1, 5, 0}, 4);   // {1, 3, 0, 2}
 * }</pre>
 */
final class RadixOrder {
  private RadixOrder() {}

  private static final int BITS = 11;
  private static final int BUCKETS = 1 << BITS;
  private static final int PASSES = (64 + BITS - 1) / BITS;

  /**
   * Below this many keys an insertion sort orders them: the radix passes' counts (2 048 buckets,
   * cleared and summed six times) cost more than a few keys' comparisons. A minibatch boundary
   * search orders about a thousand such small ranges of keys on the driver.
   */
  static final int INSERTION_BELOW = 64;

  /** The positions of the first {@code n} keys, ordered by key, then by position. */
  static int[] byKey(long[] keys, int n) {
    if (n < INSERTION_BELOW) {
      return byInsertion(keys, n);
    }
    int[] order = new int[n];
    int[] next = new int[n];
    long[] k = new long[n];
    long[] kNext = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      k[i] = keys[i] ^ Long.MIN_VALUE; // signed order as unsigned
    }
    int[] count = new int[BUCKETS + 1];
    for (int pass = 0; pass < PASSES; pass++) {
      int shift = pass * BITS;
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((k[i] >>> shift) & (BUCKETS - 1)) + 1]++;
      }
      if (count[1 + (int) ((k.length == 0 ? 0 : k[0] >>> shift) & (BUCKETS - 1))] == n) {
        continue; // every key has this digit: the pass would not move anything
      }
      for (int d = 0; d < BUCKETS; d++) {
        count[d + 1] += count[d];
      }
      for (int i = 0; i < n; i++) {
        int at = count[(int) ((k[i] >>> shift) & (BUCKETS - 1))]++;
        next[at] = order[i];
        kNext[at] = k[i];
      }
      int[] t = order;
      order = next;
      next = t;
      long[] tk = k;
      k = kNext;
      kNext = tk;
    }
    return order;
  }

  /** {@link #byKey} by insertion: each key moves left past the larger keys only (stable). */
  private static int[] byInsertion(long[] keys, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      int j = i;
      while (j > 0 && keys[order[j - 1]] > keys[i]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    return order;
  }
}
