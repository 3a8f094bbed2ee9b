// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;

/**
 * One partition's rows in the order of an epoch: each row's key is {@code (hash(seed, epoch, id),
 * id)} ({@link #hash}), and the rows are sorted by key, signed order of the hash first. The
 * epoch's minibatches are runs of B consecutive keys in the order of all N rows ({@link
 * BatchBoundaries}), so the rows a partition holds of one minibatch are a run of this order,
 * found by two binary searches.
 *
 * <pre>{@code
 * EpochKeys keys = EpochKeys.of(rows, seed, epoch);
 * keys.count(lo, hi);                         // rows whose hash is in [lo, hi]
 * int from = keys.lowerBound(hash, id);       // first row whose key is >= (hash, id)
 * rows.rows(keys.positions(), from, to);      // the rows of a run
 * }</pre>
 */
final class EpochKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long epoch;
  private final long[] hashes; // sorted by (hash, id)
  private final long[] ids; // in the same order
  private final int[] positions; // the rows' positions in their PartitionRows

  private EpochKeys(long epoch, long[] hashes, long[] ids, int[] positions) {
    this.epoch = epoch;
    this.hashes = hashes;
    this.ids = ids;
    this.positions = positions;
  }

  /** The keys of {@code rows} in epoch {@code epoch} of a fit seeded with {@code seed}. */
  static EpochKeys of(PartitionRows rows, long seed, long epoch) {
    int n = rows.size();
    long[] h = new long[n];
    long[] id = new long[n];
    for (int i = 0; i < n; i++) {
      id[i] = rows.id(i);
      h[i] = hash(seed, epoch, id[i]);
    }
    return sorted(epoch, h, id);
  }

  /**
   * The keys {@code (hashes[i], ids[i])} of rows at positions i, whose ids ascend with the
   * position (as in a {@link PartitionRows}), sorted.
   */
  static EpochKeys sorted(long epoch, long[] hashes, long[] ids) {
    int n = hashes.length;
    int[] order = RadixOrder.byKey(hashes, n); // stable: equal hashes stay in id order
    long[] sh = new long[n];
    long[] sid = new long[n];
    for (int k = 0; k < n; k++) {
      sh[k] = hashes[order[k]];
      sid[k] = ids[order[k]];
    }
    return new EpochKeys(epoch, sh, sid, order);
  }

  /** A 64-bit keyed hash: SplitMix64's finalizer over the three words, chained. */
  static long hash(long seed, long epoch, long id) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ epoch);
    return mix(h ^ id);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The epoch. */
  long epoch() {
    return epoch;
  }

  /** The number of rows. */
  int size() {
    return hashes.length;
  }

  /** The hash of the key at index {@code k} (in key order). */
  long hash(int k) {
    return hashes[k];
  }

  /** The id of the key at index {@code k} (in key order). */
  long id(int k) {
    return ids[k];
  }

  /** The rows' positions in their {@link PartitionRows}, in key order (read only). */
  int[] positions() {
    return positions;
  }

  /** The first index whose key is {@code >= (hash, id)}. */
  int lowerBound(long hash, long id) {
    int lo = 0;
    int hi = hashes.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hashes[mid] < hash || (hashes[mid] == hash && ids[mid] < id)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The first index whose hash is {@code >= hash} (any id). */
  int lowerBound(long hash) {
    return lowerBound(hash, Long.MIN_VALUE);
  }

  /** The number of rows whose hash is in {@code [lo, hi]} (inclusive, signed order). */
  int count(long lo, long hi) {
    return endOf(hi) - lowerBound(lo);
  }

  /** One past the last index whose hash is {@code <= hash}. */
  int endOf(long hash) {
    return hash == Long.MAX_VALUE ? hashes.length : lowerBound(hash + 1);
  }

  @Override
  public String toString() {
    return "EpochKeys(epoch " + epoch + ", " + hashes.length + " rows)";
  }
}
