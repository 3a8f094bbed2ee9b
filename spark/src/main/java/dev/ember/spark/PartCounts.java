// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How many keys fall in each of {@code parts} parts of the hash space, mergeable: while there are
 * few keys (at most half as many as parts) it is the list of their parts, four bytes a key, and
 * from then on a count per part. A partition of a few thousand rows then sends a few kilobytes to
 * the tree that adds the partitions' counts, not the half megabyte of 65 536 counts; what a tree
 * node sends is never larger than the counts themselves.
 *
 * <pre>{@code
 * PartCounts a = PartCounts.of(8, new int[] {3, 3, 7});
 * PartCounts all = a.merge(PartCounts.of(8, new int[] {0}));
 * all.counts();   // [1, 0, 0, 2, 0, 0, 0, 1]
 * }</pre>
 *
 * @param parts the number of parts
 * @param dense the count of each part, or null while sparse
 * @param sparse the part of each key, or null once dense
 */
record PartCounts(int parts, long[] dense, int[] sparse) implements Serializable {

  /** The counts of keys in the parts {@code partOfEachKey}. */
  static PartCounts of(int parts, int[] partOfEachKey) {
    return ofOwned(parts, partOfEachKey.clone());
  }

  /** {@link #of}, keeping {@code partOfEachKey} itself (no one else holds it). */
  private static PartCounts ofOwned(int parts, int[] partOfEachKey) {
    return partOfEachKey.length <= parts / 2 ? new PartCounts(parts, null, partOfEachKey)
        : new PartCounts(parts, counted(parts, partOfEachKey), null);
  }

  /** The counts of these keys and {@code other}'s. */
  PartCounts merge(PartCounts other) {
    if (other.parts != parts) {
      throw new IllegalArgumentException("counts of " + parts + " and " + other.parts
          + " parts do not add up");
    }
    if (dense == null && other.dense == null) {
      int[] both = Arrays.copyOf(sparse, sparse.length + other.sparse.length);
      System.arraycopy(other.sparse, 0, both, sparse.length, other.sparse.length);
      return ofOwned(parts, both);
    }
    long[] sum = dense != null ? dense.clone() : counted(parts, sparse);
    if (other.dense != null) {
      for (int k = 0; k < parts; k++) {
        sum[k] += other.dense[k];
      }
    } else {
      for (int p : other.sparse) {
        sum[p]++;
      }
    }
    return new PartCounts(parts, sum, null);
  }

  /** The count of each part. */
  long[] counts() {
    return dense != null ? dense.clone() : counted(parts, sparse);
  }

  private static long[] counted(int parts, int[] partOfEachKey) {
    long[] out = new long[parts];
    for (int p : partOfEachKey) {
      out[p]++;
    }
    return out;
  }
}
