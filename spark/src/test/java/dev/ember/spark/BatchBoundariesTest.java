// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.random.RngKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The boundary search against the definition, computed here directly: all N keys of an epoch
 * sorted by (hash, id) in one list and cut into runs of B. The partitions are simulated in this
 * JVM (lists of {@link EpochKeys}); tight limits force several counting rounds, and hashes drawn
 * from a few values force ties broken by id and ranges that cannot be split.
 */
class BatchBoundariesTest {

  /** The partitions' keys of several epochs, answering the search's questions in this JVM. */
  record Partitions(List<List<EpochKeys>> keys) implements BatchBoundaries.Counts {
    @Override
    public long[] count(long[] epochs, long[] lo, long[] hi, int parts) {
      long[] sum = new long[lo.length * parts];
      for (List<EpochKeys> p : keys) {
        long[] c = BatchBoundaries.count(p, epochs, lo, hi, parts);
        for (int i = 0; i < c.length; i++) {
          sum[i] += c[i];
        }
      }
      return sum;
    }

    @Override
    public long[] keysIn(long[] epochs, long[] lo, long[] hi) {
      List<long[]> out = new ArrayList<>();
      for (List<EpochKeys> p : keys) {
        out.add(BatchBoundaries.keysIn(p, epochs, lo, hi));
      }
      return LongArrays.concat(out);
    }
  }

  /**
   * {@code ids} dealt to {@code partitions} partitions by a hash of the id, each partition's keys
   * of each epoch computed by {@code hash.apply(epoch)(id)}.
   */
  static Partitions deal(long[] ids, int partitions, long[] epochs,
      java.util.function.LongFunction<LongUnaryOperator> hash) {
    List<List<Long>> dealt = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      dealt.add(new ArrayList<>());
    }
    for (long id : ids) {
      dealt.get(Math.floorMod(Long.hashCode(id * 31 + 7), partitions)).add(id);
    }
    List<List<EpochKeys>> keys = new ArrayList<>();
    for (List<Long> d : dealt) {
      long[] mine = d.stream().mapToLong(Long::longValue).sorted().toArray();
      List<EpochKeys> perEpoch = new ArrayList<>();
      for (long e : epochs) {
        long[] h = Arrays.stream(mine).map(hash.apply(e)).toArray();
        perEpoch.add(EpochKeys.sorted(e, h, mine));
      }
      keys.add(perEpoch);
    }
    return new Partitions(keys);
  }

  /** Each minibatch's ids, read through the boundaries from the partitions' keys, sorted. */
  static List<long[]> batches(Partitions parts, BatchBoundaries bounds, long epoch, long[] ids) {
    List<long[]> out = new ArrayList<>();
    for (int j = 0; j < bounds.perEpoch(); j++) {
      List<Long> batch = new ArrayList<>();
      for (List<EpochKeys> p : parts.keys()) {
        EpochKeys k = BatchBoundaries.of(p, epoch);
        long[] mine = idsOf(p);
        for (int i = bounds.start(k, j); i < bounds.end(k, j); i++) {
          batch.add(mine[k.positions()[i]]);
        }
      }
      out.add(batch.stream().mapToLong(Long::longValue).sorted().toArray());
    }
    return out;
  }

  /** A partition's ids in position order (its keys of any epoch know them). */
  private static long[] idsOf(List<EpochKeys> p) {
    EpochKeys k = p.get(0);
    long[] ids = new long[k.size()];
    for (int i = 0; i < k.size(); i++) {
      ids[k.positions()[i]] = k.id(i);
    }
    return ids;
  }

  /** The definition: all keys sorted by (hash, id), runs of B, sorted within. */
  static List<long[]> reference(long[] ids, int b, LongUnaryOperator hash) {
    List<long[]> keyed = new ArrayList<>();
    for (long id : ids) {
      keyed.add(new long[] {hash.applyAsLong(id), id});
    }
    keyed.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    List<long[]> out = new ArrayList<>();
    for (int j = 0; j < ids.length / b; j++) {
      out.add(keyed.subList(j * b, (j + 1) * b).stream().mapToLong(k -> k[1]).sorted().toArray());
    }
    return out;
  }

  static long[] ids(int n, long seed) {
    long[] out = new long[n];
    RngKey key = RngKey.of(seed);
    for (int i = 0; i < n; i++) {
      out[i] = (key.bits(i) >>> 20) * 7 + i; // unordered, non-negative; repeats removed below
    }
    return Arrays.stream(out).distinct().toArray();
  }

  static void assertMatches(long[] ids, int b, int partitions, long[] epochs,
      java.util.function.LongFunction<LongUnaryOperator> hash, BatchBoundaries.Limits limits) {
    Partitions parts = deal(ids, partitions, epochs, hash);
    BatchBoundaries[] bounds = BatchBoundaries.search(ids.length, b, epochs, parts, limits);
    for (int e = 0; e < epochs.length; e++) {
      List<long[]> want = reference(ids, b, hash.apply(epochs[e]));
      List<long[]> got = batches(parts, bounds[e], epochs[e], ids);
      assertEquals(want.size(), got.size());
      for (int j = 0; j < want.size(); j++) {
        assertArrayEquals(want.get(j), got.get(j), "N " + ids.length + ", B " + b + ", "
            + partitions + " partitions, epoch " + epochs[e] + ", minibatch " + j);
      }
    }
  }

  @Test
  void theMinibatchesAreRunsOfBInTheOrderOfAllKeys() {
    long[] ids = ids(1000, 3);
    long[] epochs = {0, 1, 2};
    java.util.function.LongFunction<LongUnaryOperator> keyed = e -> id -> EpochKeys.hash(9, e, id);
    for (int b : new int[] {1, 7, 333, 500, 999, 1000}) {
      for (int p : new int[] {1, 2, 3, 7}) {
        assertMatches(ids, b, p, epochs, keyed, BatchBoundaries.Limits.DEFAULT);
        // tight limits: many counting rounds of a few parts each before the keys are gathered
        assertMatches(ids, b, p, epochs, keyed, new BatchBoundaries.Limits(4, 64, 16));
      }
    }
  }

  @Test
  void equalHashesAreOrderedByIdAndRangesOfOneHashAreNotSplit() {
    long[] ids = ids(600, 5);
    // three hash values only: long runs of ties, ranges of one hash that cannot be split
    java.util.function.LongFunction<LongUnaryOperator> few = e -> id -> (EpochKeys.hash(1, e, id)
        & 3) - 2;
    for (int b : new int[] {1, 10, 199, 600}) {
      for (int p : new int[] {1, 3}) {
        assertMatches(ids, b, p, new long[] {0, 4}, few, new BatchBoundaries.Limits(4, 64, 16));
        assertMatches(ids, b, p, new long[] {0}, few, BatchBoundaries.Limits.DEFAULT);
      }
    }
  }

  @Test
  void groupsDealEachRowToItsMinibatchOrToTheRestInPositionOrder() {
    long[] ids = ids(1000, 11);
    java.util.function.LongFunction<LongUnaryOperator> keyed = e -> id -> EpochKeys.hash(4, e, id);
    // and three hash values only: minibatches that end inside a run of equal hashes
    java.util.function.LongFunction<LongUnaryOperator> few = e -> id -> (EpochKeys.hash(2, e, id)
        & 3) - 2;
    for (java.util.function.LongFunction<LongUnaryOperator> hash : List.of(keyed, few)) {
      for (int b : new int[] {1, 7, 333, 1000}) {
        Partitions parts = deal(ids, 3, new long[] {5}, hash);
        BatchBoundaries bounds = BatchBoundaries.search(ids.length, b, new long[] {5}, parts,
            BatchBoundaries.Limits.DEFAULT)[0];
        List<long[]> want = reference(ids, b, hash.apply(5));
        int k = ids.length / b;
        List<List<Long>> got = new ArrayList<>();
        for (int j = 0; j <= k; j++) {
          got.add(new ArrayList<>());
        }
        for (List<EpochKeys> p : parts.keys()) {
          EpochKeys keys = BatchBoundaries.of(p, 5);
          long[] mine = idsOf(p);
          int[][] groups = bounds.groups(keys);
          assertEquals(k + 1, groups.length);
          boolean[] seen = new boolean[keys.size()];
          for (int j = 0; j <= k; j++) {
            for (int i = 0; i < groups[j].length; i++) {
              assertTrue(i == 0 || groups[j][i - 1] < groups[j][i], "group " + j + " ascending");
              assertFalse(seen[groups[j][i]], "row " + groups[j][i] + " in one group only");
              seen[groups[j][i]] = true;
              got.get(j).add(mine[groups[j][i]]);
            }
          }
          for (boolean s : seen) {
            assertTrue(s, "every row in a group");
          }
        }
        long[] rest = Arrays.stream(ids).filter(id -> want.stream()
            .noneMatch(w -> Arrays.binarySearch(w, id) >= 0)).sorted().toArray();
        for (int j = 0; j <= k; j++) {
          long[] g = got.get(j).stream().mapToLong(Long::longValue).sorted().toArray();
          assertArrayEquals(j < k ? want.get(j) : rest, g, "B " + b + ", group " + j);
        }
      }
    }
  }

  @Test
  void partsCoverTheirRangeWithoutGapsOrOverlaps() {
    long[][] ranges = {{Long.MIN_VALUE, Long.MAX_VALUE}, {-5, 5}, {7, 7}, {0, 1L << 40},
        {Long.MAX_VALUE - 3, Long.MAX_VALUE}};
    for (long[] r : ranges) {
      for (int parts : new int[] {2, 3, 16, 65536}) {
        long next = r[0];
        boolean ended = false;
        for (int k = 0; k < parts; k++) {
          long[] p = BatchBoundaries.part(r[0], r[1], parts, k);
          if (p == null) {
            ended = true;
            continue;
          }
          assertTrue(!ended, "a part after an empty one");
          assertEquals(next, p[0], "part " + k + " of " + Arrays.toString(r));
          assertTrue(p[0] <= p[1]);
          next = p[1] + 1;
          if (p[1] == r[1]) {
            ended = true;
          }
        }
        assertTrue(ended, "the parts reach the end of " + Arrays.toString(r));
      }
    }
  }

  /**
   * The part that holds a hash is the part whose bounds hold it, at both ends of every part, for
   * widths that are powers of two (all hashes in 2, 16 or 65 536 parts; 2^40 hashes in 16) and
   * widths that are not.
   */
  @Test
  void aHashIsInThePartWhoseBoundsHoldIt() {
    long[][] ranges = {{Long.MIN_VALUE, Long.MAX_VALUE}, {-5, 5}, {0, (1L << 40) - 1},
        {0, 1L << 40}, {Long.MAX_VALUE - 3, Long.MAX_VALUE}};
    java.util.Random random = new java.util.Random(5);
    for (long[] r : ranges) {
      for (int parts : new int[] {2, 3, 16, 65536}) {
        for (int k = 0; k < parts; k += 1 + random.nextInt(1 + parts / 64)) {
          long[] p = BatchBoundaries.part(r[0], r[1], parts, k);
          if (p == null) {
            break;
          }
          long inside = p[0] + (long) (random.nextDouble() * (double) (p[1] - p[0]));
          for (long h : new long[] {p[0], p[1], inside}) {
            assertEquals(k, BatchBoundaries.partOf(r[0], r[1], parts, h),
                "hash " + h + " of " + Arrays.toString(r) + " in " + parts + " parts");
          }
        }
      }
    }
  }

  @Test
  void countsThatDoNotAddUpAreNamed() {
    BatchBoundaries.Counts broken = new BatchBoundaries.Counts() {
      @Override
      public long[] count(long[] epochs, long[] lo, long[] hi, int parts) {
        return new long[lo.length * parts]; // no keys anywhere
      }

      @Override
      public long[] keysIn(long[] epochs, long[] lo, long[] hi) {
        return new long[0];
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BatchBoundaries.search(1_000_000, 10, new long[] {0}, broken));
    assertTrue(e.getMessage().contains("data change"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> BatchBoundaries.search(10, 11, new long[] {0}, broken));
    assertTrue(bad.getMessage().contains("batch size 11"), bad.getMessage());
  }
}
