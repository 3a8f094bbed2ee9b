// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.util.Arrays;

/**
 * The order of positions {@code 0 .. n-1} sorted by a {@code long} key (signed order), equal keys
 * kept in position order: radix passes over the keys with no comparisons and no boxing, for the
 * million-row partitions that a comparator over {@code Integer}s would make slow. Being stable, it
 * sorts by (key, position).
 * <ul>
 *   <li>Fewer than {@link #INSERTION_BELOW} keys are ordered by insertion.
 *   <li>From {@link #TOP_DIGIT_FROM} keys on, one pass first deals them into buckets by their top
 *       {@value #TOP_BITS} bits. Spread keys (an epoch's hashes) then leave a few keys a bucket,
 *       ordered by insertion: two passes over the keys where the digits below took six.
 *   <li>Otherwise, and in a bucket of more keys, a least-significant-digit radix sort of 11-bit
 *       digits orders them, skipping a digit that all of them share.
 * </ul>
 * Every way gives the same order.
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

  /**
   * From this many keys on, they are first dealt into buckets by their top {@value #TOP_BITS}
   * bits: below it, the buckets' counts (65 536 of them) cost more than the passes they save.
   */
  static final int TOP_DIGIT_FROM = 1 << 14;

  private static final int TOP_BITS = 16;

  /** The positions of the first {@code n} keys, ordered by key, then by position. */
  static int[] byKey(long[] keys, int n) {
    int[] order = new int[n];
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      k[i] = keys[i] ^ Long.MIN_VALUE; // signed order as unsigned
    }
    if (n < INSERTION_BELOW) {
      insertionRange(k, order, 0, n);
    } else if (n >= TOP_DIGIT_FROM) {
      byTopDigitThenRest(k, order, n);
    } else {
      byDigits(k, order, 0, n);
    }
    return order;
  }

  /**
   * Orders the unsigned keys {@code k} and their positions {@code order} by the top digit (a
   * stable counting pass), then each bucket by the rest: by insertion when it holds fewer than
   * {@link #INSERTION_BELOW} keys, else by {@link #byDigits}. All the keys in one bucket: no
   * dealing, {@link #byDigits} on them all.
   */
  private static void byTopDigitThenRest(long[] k, int[] order, int n) {
    int shift = 64 - TOP_BITS;
    int[] start = new int[(1 << TOP_BITS) + 1];
    for (int i = 0; i < n; i++) {
      start[(int) (k[i] >>> shift) + 1]++;
    }
    if (start[(int) (k[0] >>> shift) + 1] == n) {
      byDigits(k, order, 0, n);
      return;
    }
    for (int d = 0; d < 1 << TOP_BITS; d++) {
      start[d + 1] += start[d];
    }
    int[] at = Arrays.copyOf(start, 1 << TOP_BITS);
    long[] dealtKeys = new long[n];
    int[] dealt = new int[n];
    for (int i = 0; i < n; i++) {
      int p = at[(int) (k[i] >>> shift)]++;
      dealtKeys[p] = k[i];
      dealt[p] = order[i];
    }
    for (int d = 0; d < 1 << TOP_BITS; d++) {
      int from = start[d];
      int to = start[d + 1];
      if (to - from < INSERTION_BELOW) {
        insertionRange(dealtKeys, dealt, from, to);
      } else {
        byDigits(dealtKeys, dealt, from, to);
      }
    }
    System.arraycopy(dealt, 0, order, 0, n);
  }

  /**
   * Orders {@code k[from .. to)} (unsigned) and {@code order} with them by insertion: each key
   * moves left past the larger keys only (stable).
   */
  private static void insertionRange(long[] k, int[] order, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long key = k[i];
      int pos = order[i];
      int j = i;
      while (j > from && Long.compareUnsigned(k[j - 1], key) > 0) {
        k[j] = k[j - 1];
        order[j] = order[j - 1];
        j--;
      }
      k[j] = key;
      order[j] = pos;
    }
  }

  /**
   * Orders {@code k[from .. to)} (unsigned) and {@code order} with them by least-significant-digit
   * passes of {@value #BITS}-bit digits, each stable; a digit that all the keys share is skipped.
   */
  private static void byDigits(long[] k, int[] order, int from, int to) {
    int n = to - from;
    boolean whole = from == 0 && to == k.length && to == order.length;
    long[] keys = whole ? k : Arrays.copyOfRange(k, from, to);
    int[] pos = whole ? order : Arrays.copyOfRange(order, from, to);
    long[] keysNext = new long[n];
    int[] posNext = new int[n];
    int[] count = new int[BUCKETS + 1];
    for (int pass = 0; pass < PASSES; pass++) {
      int shift = pass * BITS;
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((keys[i] >>> shift) & (BUCKETS - 1)) + 1]++;
      }
      if (count[1 + (int) ((keys[0] >>> shift) & (BUCKETS - 1))] == n) {
        continue; // every key has this digit: the pass would not move anything
      }
      for (int d = 0; d < BUCKETS; d++) {
        count[d + 1] += count[d];
      }
      for (int i = 0; i < n; i++) {
        int at = count[(int) ((keys[i] >>> shift) & (BUCKETS - 1))]++;
        posNext[at] = pos[i];
        keysNext[at] = keys[i];
      }
      int[] t = pos;
      pos = posNext;
      posNext = t;
      long[] tk = keys;
      keys = keysNext;
      keysNext = tk;
    }
    if (keys != k) {
      System.arraycopy(keys, 0, k, from, n);
      System.arraycopy(pos, 0, order, from, n);
    }
  }
}
