// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.util.List;

/**
 * Arrays of longs put end to end: what the partitions of a job send back as one primitive array
 * each (ids, the boundary search's keys) becomes one array on the receiving side.
 *
 * <pre>{@code
 * long[] all = LongArrays.concat(List.of(new long[] {1, 2}, new long[] {3}));   // {1, 2, 3}
 * }</pre>
 */
final class LongArrays {
  private LongArrays() {}

  /** The arrays of {@code parts}, in order, in one array. */
  static long[] concat(List<long[]> parts) {
    int total = 0;
    for (long[] p : parts) {
      total += p.length;
    }
    long[] out = new long[total];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
