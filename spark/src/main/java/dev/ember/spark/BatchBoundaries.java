// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an epoch's minibatches begin and end in the order of its keys: the epoch orders all N
 * rows by key ({@link EpochKeys}) and cuts that order into {@code K = floor(N / B)} minibatches
 * of exactly B rows, minibatch j holding the rows of rank {@code jB .. (j + 1)B - 1}; the {@code N
 * mod B} rows of the highest ranks sit the epoch out. The boundaries are the keys of ranks B, 2B,
 * ... below N: with them, each partition finds its rows of any minibatch by two binary searches.
 *
 * <pre>{@code
 * BatchBoundaries bounds = BatchBoundaries.search(n, b, new long[] {epoch}, counts)[0];
 * int from = bounds.start(keys, j);   // this partition's rows of minibatch j:
 * int to = bounds.end(keys, j);       // keys.positions()[from .. to)
 * }</pre>
 *
 * <p>How the keys of those ranks are found without sorting the N keys in one place ({@link
 * #search}): each target rank starts in the range of all hashes; every round splits the ranges
 * that still hold more than a few keys into equal parts of the hash space, the partitions count
 * their keys in each part (two binary searches per part in their sorted keys) and the driver
 * keeps, for each target, the part that holds its rank. The hashes are uniform, so a first round
 * of {@value #MAX_SPLIT} parts leaves about {@code N / 65 536} keys per part, and each later round
 * divides that by its number of parts. When every target's range holds few keys, the partitions
 * send those keys ({@value #MAX_GATHER} at most, so an epoch of that few keys sends them at once,
 * with no counting round), and the driver sorts each range's keys and picks the target's. Several
 * epochs are searched together, one job per round for all. The driver holds at most {@value
 * #MAX_COUNTERS} counts per round, {@value #MAX_GATHER} keys, and K boundaries per epoch: nothing
 * of size N.
 */
final class BatchBoundaries implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most parts one range is split into. */
  static final int MAX_SPLIT = 1 << 16;
  /** The most counts one round asks for (parts times ranges). */
  static final int MAX_COUNTERS = 1 << 18;
  /** The most keys the final round gathers, in all. */
  static final int MAX_GATHER = 1 << 18;

  private final long n;
  private final int b;
  private final long[] hashes; // the keys of ranks B, 2B, ... below N
  private final long[] ids;

  BatchBoundaries(long n, int b, long[] hashes, long[] ids) {
    this.n = n;
    this.b = b;
    this.hashes = hashes;
    this.ids = ids;
  }

  /** The minibatches per epoch, K = floor(N / B). */
  int perEpoch() {
    return (int) (n / b);
  }

  /** Where minibatch {@code batch}'s rows begin among {@code keys}. */
  int start(EpochKeys keys, int batch) {
    return batch == 0 ? 0 : keys.lowerBound(hashes[batch - 1], ids[batch - 1]);
  }

  /** Whether the key {@code (hash, id)} comes before the end of minibatch {@code batch}. */
  boolean beforeEndOf(int batch, long hash, long id) {
    return batch >= hashes.length || hash < hashes[batch]
        || (hash == hashes[batch] && id < ids[batch]);
  }

  /** Where minibatch {@code batch}'s rows end among {@code keys}. */
  int end(EpochKeys keys, int batch) {
    return batch < hashes.length ? keys.lowerBound(hashes[batch], ids[batch]) : keys.size();
  }

  /**
   * The row positions of each of the K + 1 groups of {@code keys}, ascending: group j < K the rows
   * of minibatch j ({@code keys.positions()} between its bounds, in hash order), group K those
   * that sit the epoch out. Each row is marked with its group, then the rows are dealt out in
   * position order: two passes over the partition's rows, where sorting each minibatch's positions
   * took a twentieth of a per-series step's task at 32 768 rows a partition.
   */
  int[][] groups(EpochKeys keys) {
    int k = perEpoch();
    int n = keys.size();
    int[] groupOfRow = new int[n];
    int[] sizes = new int[k + 1];
    int[] byKey = keys.positions();
    int end = 0;
    for (int j = 0; j <= k; j++) {
      int from = j < k ? start(keys, j) : end;
      int to = j < k ? end(keys, j) : n;
      end = to;
      for (int x = from; x < to; x++) {
        groupOfRow[byKey[x]] = j;
      }
      sizes[j] = to - from;
    }
    int[][] out = new int[k + 1][];
    for (int j = 0; j <= k; j++) {
      out[j] = new int[sizes[j]];
    }
    int[] filled = new int[k + 1];
    for (int r = 0; r < n; r++) {
      int j = groupOfRow[r];
      out[j][filled[j]++] = r;
    }
    return out;
  }

  /** What the search asks of all partitions' keys together. */
  interface Counts {
    /**
     * For each range {@code [lo[a], hi[a]]} (inclusive hashes) of the keys of epoch {@code
     * epochs[a]}, the number of keys in each of its {@code parts} parts ({@link #part}), summed
     * over partitions: {@code [a * parts + k]}.
     */
    long[] count(long[] epochs, long[] lo, long[] hi, int parts);

    /**
     * The keys of epoch {@code epochs[a]} whose hash is in {@code [lo[a], hi[a]]}, for every
     * range a, as {a, hash, id} triples one after the other in one array ({@code 3k} longs for k
     * keys; primitives, so that a partition's part serializes as one array), in any order.
     */
    long[] keysIn(long[] epochs, long[] lo, long[] hi);

    /**
     * {@link #keysIn}, told also where the first minibatch of the range {@code 0}'s epoch lies:
     * its B keys all have a hash of at most {@code firstHi}, and {@code upTo} keys of that epoch
     * do (B and a few more). Whatever needs that minibatch's rows may gather them in the same
     * job; by default nothing does.
     */
    default long[] keysIn(long[] epochs, long[] lo, long[] hi, long firstHi, long upTo) {
      return keysIn(epochs, lo, hi);
    }
  }

  /**
   * Part {@code k} of {@code parts} of the hash range {@code [lo, hi]}: {lo, hi} of the part, or
   * null if the range is too narrow to have it. Parts are equal widths of the range (unsigned
   * arithmetic: a range may span all 2^64 hashes).
   */
  static long[] part(long lo, long hi, int parts, int k) {
    long span = hi - lo; // unsigned: the range holds span + 1 hashes
    long width = Long.divideUnsigned(span, parts) + 1;
    long from = k * width; // no overflow: k * width <= span + parts for parts <= MAX_SPLIT
    if (Long.compareUnsigned(from, span) > 0) {
      return null;
    }
    long to = from + width - 1;
    if (Long.compareUnsigned(to, span) > 0 || Long.compareUnsigned(to, from) < 0) {
      to = span;
    }
    return new long[] {lo + from, lo + to};
  }

  /** The part of {@code [lo, hi]} in {@code parts} parts ({@link #part}) holding {@code hash}. */
  static int partOf(long lo, long hi, int parts, long hash) {
    long width = Long.divideUnsigned(hi - lo, parts) + 1;
    if (width != 0 && (width & (width - 1)) == 0) { // a power of two (all hashes in 2^k parts)
      return (int) ((hash - lo) >>> Long.numberOfTrailingZeros(width));
    }
    return (int) Long.divideUnsigned(hash - lo, width);
  }

  /** One partition's counts for {@link Counts#count}, from its keys of the epochs asked for. */
  static long[] count(List<EpochKeys> keys, long[] epochs, long[] lo, long[] hi, int parts) {
    long[] out = new long[lo.length * parts];
    for (int a = 0; a < lo.length; a++) {
      EpochKeys ek = of(keys, epochs[a]);
      int start = ek.lowerBound(lo[a]);
      for (int k = 0; k < parts; k++) {
        long[] p = part(lo[a], hi[a], parts, k);
        if (p == null) {
          break;
        }
        int end = ek.endOf(p[1]); // the parts are contiguous: where this one ends, the next begins
        out[a * parts + k] = end - start;
        start = end;
      }
    }
    return out;
  }

  /** One partition's keys for {@link Counts#keysIn}, as {a, hash, id} triples. */
  static long[] keysIn(List<EpochKeys> keys, long[] epochs, long[] lo, long[] hi) {
    int total = 0;
    for (int a = 0; a < lo.length; a++) {
      total += of(keys, epochs[a]).count(lo[a], hi[a]);
    }
    long[] out = new long[3 * total];
    int at = 0;
    for (int a = 0; a < lo.length; a++) {
      EpochKeys ek = of(keys, epochs[a]);
      for (int k = ek.lowerBound(lo[a]), end = ek.endOf(hi[a]); k < end; k++) {
        out[at++] = a;
        out[at++] = ek.hash(k);
        out[at++] = ek.id(k);
      }
    }
    return out;
  }

  /** The keys of {@code epoch} among a partition's. */
  static EpochKeys of(List<EpochKeys> keys, long epoch) {
    for (EpochKeys k : keys) {
      if (k.epoch() == epoch) {
        return k;
      }
    }
    throw new IllegalStateException("a partition has no keys of epoch " + epoch);
  }

  /**
   * How much one round may ask for: the most parts a range is split into, counts per round, and
   * keys gathered at the end.
   *
   * @param maxSplit the most parts of one range
   * @param maxCounters the most counts of one round
   * @param maxGather the most keys of the final round
   */
  record Limits(int maxSplit, int maxCounters, int maxGather) {
    /** The limits a fit uses. */
    static final Limits DEFAULT = new Limits(MAX_SPLIT, MAX_COUNTERS, MAX_GATHER);
  }

  /**
   * The boundaries of minibatches of {@code b} of the {@code n} keys that {@code counts} sees, in
   * each of {@code epochs}, searched together (one job per round for all of them).
   */
  static BatchBoundaries[] search(long n, int b, long[] epochs, Counts counts) {
    return search(n, b, epochs, counts, Limits.DEFAULT);
  }

  /** {@link #search(long, int, long[], Counts)} within {@code limits}. */
  static BatchBoundaries[] search(long n, int b, long[] epochs, Counts counts, Limits limits) {
    if (b < 1 || b > n) {
      throw new IllegalArgumentException("minibatches: batch size " + b + " must be in [1, " + n
          + "] (N)");
    }
    int perEpoch = (int) ((n - 1) / b); // ranks B, 2B, ... below N
    int targets = perEpoch * epochs.length;
    long[] epoch = new long[targets];
    long[] rank = new long[targets];
    long[] lo = new long[targets];
    long[] hi = new long[targets];
    long[] below = new long[targets]; // keys of the epoch whose hash is below lo
    long[] inRange = new long[targets];
    for (int t = 0; t < targets; t++) {
      epoch[t] = epochs[t / Math.max(1, perEpoch)];
      rank[t] = (t % perEpoch + 1L) * b;
      lo[t] = Long.MIN_VALUE;
      hi[t] = Long.MAX_VALUE;
      inRange[t] = n;
    }
    long gather = Math.max(4, limits.maxGather() / Math.max(1, targets));
    while (true) {
      int[] first = ranges(epoch, lo, hi, inRange, gather, true); // the first target of each
      if (first.length == 0) {
        break;
      }
      int parts = Math.max(2, Math.min(limits.maxSplit(), limits.maxCounters() / first.length));
      long[][] r = ranges(first, epoch, lo, hi);
      long[] c = counts.count(r[0], r[1], r[2], parts);
      for (int a = 0; a < first.length; a++) {
        // the range's targets ascend in rank: one pass over its parts places them all
        long cum = below[first[a]];
        int k = 0;
        for (int t = first[a]; t < targets && in(t, a, r, epoch, lo, hi); t++) {
          while (k < parts && rank[t] >= cum + c[a * parts + k]) {
            cum += c[a * parts + k];
            k++;
          }
          if (k == parts) {
            throw new IllegalStateException("minibatches: the partitions counted " + cum
                + " keys up to the end of a range, not above rank " + rank[t] + " of " + n
                + "; did the data change during the fit?");
          }
          long[] p = part(r[1][a], r[2][a], parts, k);
          lo[t] = p[0];
          hi[t] = p[1];
          below[t] = cum;
          inRange[t] = c[a * parts + k];
        }
      }
    }
    long[] hashes = new long[targets];
    long[] ids = new long[targets];
    int[] first = ranges(epoch, lo, hi, inRange, 0, false);
    if (first.length > 0) {
      long[][] r = ranges(first, epoch, lo, hi);
      // target 0, rank B of the first epoch, is in range 0: the first minibatch lies below its end
      long[] found = counts.keysIn(r[0], r[1], r[2], hi[0], below[0] + inRange[0]);
      int[] from = new int[first.length + 1]; // range a's keys: [from[a], from[a + 1])
      for (int k = 0; k < found.length; k += 3) {
        from[(int) found[k] + 1]++;
      }
      for (int a = 0; a < first.length; a++) {
        from[a + 1] += from[a];
      }
      long[] keyHash = new long[from[first.length]];
      long[] keyId = new long[keyHash.length];
      int[] fill = Arrays.copyOf(from, first.length);
      for (int k = 0; k < found.length; k += 3) {
        int at = fill[(int) found[k]]++;
        keyHash[at] = found[k + 1];
        keyId[at] = found[k + 2];
      }
      for (int a = 0; a < first.length; a++) {
        int[] order = byHashThenId(keyHash, keyId, from[a], from[a + 1]);
        for (int t = first[a]; t < targets && in(t, a, r, epoch, lo, hi); t++) {
          int at = (int) (rank[t] - below[t]);
          if (at >= order.length) {
            throw new IllegalStateException("minibatches: the partitions sent too few keys for "
                + "rank " + rank[t] + " of " + n + "; did the data change during the fit?");
          }
          hashes[t] = keyHash[order[at]];
          ids[t] = keyId[order[at]];
        }
      }
    }
    BatchBoundaries[] out = new BatchBoundaries[epochs.length];
    for (int e = 0; e < epochs.length; e++) {
      out[e] = new BatchBoundaries(n, b, Arrays.copyOfRange(hashes, e * perEpoch,
          (e + 1) * perEpoch), Arrays.copyOfRange(ids, e * perEpoch, (e + 1) * perEpoch));
    }
    return out;
  }

  /**
   * The positions {@code from .. to - 1} of the keys {@code (hash[i], id[i])} in key order: by id,
   * then stably by hash ({@link RadixOrder}), so equal hashes are in id order.
   */
  private static int[] byHashThenId(long[] hash, long[] id, int from, int to) {
    int m = to - from;
    int[] byId = RadixOrder.byKey(Arrays.copyOfRange(id, from, to), m);
    long[] h = new long[m];
    for (int i = 0; i < m; i++) {
      h[i] = hash[from + byId[i]];
    }
    int[] byHash = RadixOrder.byKey(h, m);
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      out[i] = from + byId[byHash[i]];
    }
    return out;
  }

  private static boolean same(int t, int u, long[] epoch, long[] lo, long[] hi) {
    return epoch[t] == epoch[u] && lo[t] == lo[u] && hi[t] == hi[u];
  }

  /** Whether target {@code t} is in range {@code a} of {@code r} ({epochs, lo, hi}). */
  private static boolean in(int t, int a, long[][] r, long[] epoch, long[] lo, long[] hi) {
    return epoch[t] == r[0][a] && lo[t] == r[1][a] && hi[t] == r[2][a];
  }

  /** {epochs, lo, hi} of the ranges whose first targets are {@code first}. */
  private static long[][] ranges(int[] first, long[] epoch, long[] lo, long[] hi) {
    long[][] r = new long[3][first.length];
    for (int a = 0; a < first.length; a++) {
      r[0][a] = epoch[first[a]];
      r[1][a] = lo[first[a]];
      r[2][a] = hi[first[a]];
    }
    return r;
  }

  private static int firstOf(long[] sorted, int at) {
    while (at > 0 && sorted[at - 1] == sorted[at]) {
      at--;
    }
    return at;
  }

  /**
   * The first target of each distinct range, in order; only ranges that hold more than {@code
   * few} keys and can still be split, if {@code splittable}.
   */
  private static int[] ranges(long[] epoch, long[] lo, long[] hi, long[] inRange, long few,
      boolean splittable) {
    List<Integer> out = new ArrayList<>();
    for (int t = 0; t < lo.length; t++) {
      boolean repeat = t > 0 && same(t, t - 1, epoch, lo, hi);
      if (!repeat && (!splittable || (inRange[t] > few && lo[t] != hi[t]))) {
        out.add(t);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String toString() {
    return "BatchBoundaries(N " + n + ", B " + b + ", " + hashes.length + " boundaries)";
  }
}
