// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Which rows each step trains on, kept where the rows are: step s is minibatch {@code s mod K} of
 * epoch {@code s / K} (K = floor(N / B)), and an epoch's minibatches are runs of B rows in the
 * order of the keys {@code (hash(seed, epoch, id), id)} of all N rows ({@link BatchBoundaries}):
 * a function of (seed, epoch, id) and the set of ids only, never of the partitioning. The
 * executors sort their rows' keys ({@link EpochKeys}, cached) and a few small jobs find the
 * boundaries, for a window of epochs at a time; from then on a step's task finds its rows of the
 * step's minibatch by two binary searches, so a step touches O(B / P) rows per task and an epoch
 * O(N / P).
 *
 * <pre>{@code
 * MinibatchIndex index = new MinibatchIndex(jsc, rows, n, 1024, seed);
 * MinibatchIndex.Window w = index.window(index.epochOf(step));  // built when a step needs it
 * index.destroyRetired();       // past windows' boundaries, once nothing needs them
 * index.close();
 * }</pre>
 *
 * <p>A window holds {@code ceil(}{@value #WINDOW_STEPS}{@code / K)} epochs, so that small data
 * sets (a few minibatches per epoch) do not search boundaries every few steps; its keys take
 * about {@code max(N, }{@value #WINDOW_STEPS}{@code B)} entries over all partitions.
 *
 * <p>Every id of an epoch's kept rows is in exactly one of its K minibatches, so averaged over
 * them the estimate {@code (N / B) sum_batch f_i} is {@code sum_kept f_i}; the {@code N mod B}
 * rows that sit an epoch out are a different few each epoch, and over the epochs' random orders
 * the estimate is unbiased for {@code sum_all f_i}.
 */
final class MinibatchIndex implements AutoCloseable {
  /** A window covers at least this many steps. */
  static final int WINDOW_STEPS = 64;

  private final JavaSparkContext jsc;
  private final JavaRDD<PartitionRows> rows;
  private final long n;
  private final int b;
  private final long seed;
  private final List<Broadcast<BatchBoundaries[]>> retired = new ArrayList<>();
  private long[] epochZeroCounts; // the search's first round of epoch 0, counted by the pass
  private Window current;

  /**
   * The index of a window of epochs.
   *
   * @param first its first epoch
   * @param epochs its number of epochs
   * @param keys each partition's keys, one {@link EpochKeys} per epoch, cached
   * @param bounds each epoch's boundaries
   */
  record Window(long first, int epochs, JavaRDD<EpochKeys> keys,
      Broadcast<BatchBoundaries[]> bounds) {
    /** Whether the window holds {@code epoch}. */
    boolean holds(long epoch) {
      return epoch >= first && epoch < first + epochs;
    }

    /** A partition's keys of {@code epoch}, among its keys {@code it} of a window. */
    static EpochKeys keysOf(Iterator<EpochKeys> it, long epoch) {
      List<EpochKeys> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      return BatchBoundaries.of(all, epoch);
    }

    /**
     * The boundaries of {@code epoch} in the window beginning at {@code first}, read on the
     * executors (a task captures the broadcast and the first epoch, never the window's RDD).
     */
    static BatchBoundaries boundsOf(Broadcast<BatchBoundaries[]> bounds, long first,
        long epoch) {
      return bounds.value()[(int) (epoch - first)];
    }
  }

  /** The index of minibatches of {@code b} of the {@code n} rows of {@code rows}. */
  MinibatchIndex(JavaSparkContext jsc, JavaRDD<PartitionRows> rows, long n, int b, long seed) {
    if (b < 1 || b > n) {
      throw new IllegalArgumentException("minibatches: batch size " + b + " must be in [1, " + n
          + "] (N)");
    }
    this.jsc = jsc;
    this.rows = rows;
    this.n = n;
    this.b = b;
    this.seed = seed;
  }

  /**
   * The index of {@code rows} whose keys of epoch 0 the set-up pass has already counted in {@link
   * BatchBoundaries#MAX_SPLIT} parts ({@link DataPreparation.KeyCounts}): the search of a first
   * window of one epoch starts from those counts, without a job of its own.
   */
  MinibatchIndex(JavaSparkContext jsc, JavaRDD<PartitionRows> rows, long n, int b, long seed,
      long[] epochZeroCounts) {
    this(jsc, rows, n, b, seed);
    this.epochZeroCounts = epochZeroCounts == null ? null : epochZeroCounts.clone();
  }

  /** K = floor(N / B), the minibatches per epoch. */
  int perEpoch() {
    return (int) (n / b);
  }

  /** The epoch of step {@code step}. */
  long epochOf(long step) {
    return step / perEpoch();
  }

  /** The minibatch of step {@code step} within its epoch. */
  int batchOf(long step) {
    return (int) (step % perEpoch());
  }

  /** The rows indexed. */
  JavaRDD<PartitionRows> rows() {
    return rows;
  }

  /**
   * The window that holds epoch {@code e}, built if it is not the current one (the previous
   * window's keys are dropped, its boundaries kept until {@link #destroyRetired}).
   */
  Window window(long e) {
    if (current != null && current.holds(e)) {
      return current;
    }
    return build(e, null);
  }

  /**
   * Builds the window that holds epoch {@code e}; if {@code ride} is given, the search's final
   * gather also brings the rows that {@code ride} asks for, when they are few ({@link
   * FirstMinibatchRows}).
   */
  private Window build(long e, FirstMinibatchRows ride) {
    int epochs = (WINDOW_STEPS + perEpoch() - 1) / perEpoch();
    long first = e / epochs * epochs;
    JavaRDD<EpochKeys> keys = keysOf(rows, first, epochs);
    long[] numbers = new long[epochs];
    for (int i = 0; i < epochs; i++) {
      numbers[i] = first + i;
    }
    BatchBoundaries.Counts counts = new Counts(keys, rows,
        ride != null && ride.epoch == first ? ride : null);
    if (epochZeroCounts != null && first == 0 && epochs == 1) {
      counts = new Precounted(counts, epochZeroCounts);
    }
    BatchBoundaries.Counts asked = counts;
    BatchBoundaries[] bounds = JobDescription.described(jsc, "ember minibatches of epochs "
        + first + "-" + (first + epochs - 1), () -> BatchBoundaries.search(n, b, numbers,
            asked));
    retire();
    current = new Window(first, epochs, keys, jsc.broadcast(bounds));
    return current;
  }

  /**
   * This index's current window moved onto {@code other}, the same rows partitioned otherwise
   * (the boundaries are the same; each partition's keys are sorted again): this index is done.
   */
  MinibatchIndex over(JavaRDD<PartitionRows> other) {
    MinibatchIndex moved = new MinibatchIndex(jsc, other, n, b, seed);
    if (current != null) {
      moved.current = new Window(current.first(), current.epochs(),
          keysOf(other, current.first(), current.epochs()), current.bounds());
      current.keys().unpersist(false);
      current = null;
    }
    moved.retired.addAll(retired);
    retired.clear();
    return moved;
  }

  private JavaRDD<EpochKeys> keysOf(JavaRDD<PartitionRows> of, long first, int epochs) {
    long s = seed;
    return of.flatMap(pr -> {
      List<EpochKeys> out = new ArrayList<>(epochs);
      for (int i = 0; i < epochs; i++) {
        out.add(EpochKeys.of(pr, s, first + i));
      }
      return out.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
  }

  private void retire() {
    if (current != null) {
      current.keys().unpersist(false);
      retired.add(current.bounds());
      current = null;
    }
  }

  /** Destroys the boundaries of past windows: call when no RDD's lineage reaches back to them. */
  void destroyRetired() {
    for (Broadcast<BatchBoundaries[]> bc : retired) {
      bc.destroy();
    }
    retired.clear();
  }

  /**
   * The rows of step {@code step}'s minibatch and those of {@code ids}, fetched to the driver (B
   * rows and a few more: what a fit is initialised on). When the step is the first of a window
   * not built yet (a fit's step 0), they come with the job that finishes the window's boundaries
   * if the hash range that must then be read whole holds at most 2B rows (it holds B and the few
   * keys the search had not yet told apart; the rows past the boundary are dropped on the
   * driver); else, and for any other step, one job of their own fetches them.
   */
  List<List<SequenceRow>> fetch(long step, long... ids) {
    long epoch = epochOf(step);
    if (batchOf(step) == 0 && (current == null || !current.holds(epoch))) {
      FirstMinibatchRows ride = new FirstMinibatchRows(epoch, b, ids.clone());
      Window built = build(epoch, ride);
      if (ride.gathered != null) {
        return ride.select(Window.boundsOf(built.bounds(), built.first(), epoch));
      }
    }
    Window w = window(epoch);
    Broadcast<BatchBoundaries[]> bounds = w.bounds();
    long first = w.first();
    int batch = batchOf(step);
    long[] wanted = ids.clone();
    List<List<List<SequenceRow>>> parts = JobDescription.described(jsc, "ember first minibatch",
        () -> rows.zipPartitions(w.keys(), (Iterator<PartitionRows> r, Iterator<EpochKeys> k) -> {
          PartitionRows pr = r.next();
          EpochKeys ek = Window.keysOf(k, epoch);
          List<SequenceRow> extra = new ArrayList<>();
          for (long id : wanted) {
            int at = pr.position(id);
            if (at >= 0) {
              extra.add(pr.row(at));
            }
          }
          BatchBoundaries bb = Window.boundsOf(bounds, first, epoch);
          return List.of(List.of(pr.rows(ek.positions(), bb.start(ek, batch), bb.end(ek, batch)),
              extra)).iterator();
        }).collect());
    List<SequenceRow> inBatch = new ArrayList<>();
    List<SequenceRow> extra = new ArrayList<>();
    for (List<List<SequenceRow>> p : parts) {
      inBatch.addAll(p.get(0));
      extra.addAll(p.get(1));
    }
    return List.of(inBatch, extra);
  }

  /** Drops the current window's keys and destroys every boundaries broadcast. */
  @Override
  public void close() {
    retire();
    destroyRetired();
  }

  /**
   * The search's questions, its first answered from the counts of epoch 0 that the set-up pass
   * made: one range of all hashes of epoch 0 in {@link BatchBoundaries#MAX_SPLIT} parts.
   */
  private static final class Precounted implements BatchBoundaries.Counts {
    private final BatchBoundaries.Counts jobs;
    private long[] first;

    Precounted(BatchBoundaries.Counts jobs, long[] first) {
      this.jobs = jobs;
      this.first = first;
    }

    @Override
    public long[] count(long[] epochs, long[] lo, long[] hi, int parts) {
      boolean firstRound = first != null && epochs.length == 1 && epochs[0] == 0
          && lo[0] == Long.MIN_VALUE && hi[0] == Long.MAX_VALUE && parts == first.length;
      long[] out = firstRound ? first : jobs.count(epochs, lo, hi, parts);
      first = null;
      return out;
    }

    @Override
    public long[] keysIn(long[] epochs, long[] lo, long[] hi) {
      return jobs.keysIn(epochs, lo, hi);
    }

    @Override
    public long[] keysIn(long[] epochs, long[] lo, long[] hi, long firstHi, long upTo) {
      return jobs.keysIn(epochs, lo, hi, firstHi, upTo);
    }
  }

  /**
   * The boundary search's questions, answered by jobs over the partitions' keys; the last one
   * also brings the rows {@code ride} asks for, if any and if few.
   */
  private static final class Counts implements BatchBoundaries.Counts {
    private final JavaRDD<EpochKeys> keys;
    private final JavaRDD<PartitionRows> rows;
    private final FirstMinibatchRows ride;

    Counts(JavaRDD<EpochKeys> keys, JavaRDD<PartitionRows> rows, FirstMinibatchRows ride) {
      this.keys = keys;
      this.rows = rows;
      this.ride = ride;
    }

    @Override
    public long[] count(long[] epochs, long[] lo, long[] hi, int parts) {
      long[] sum = keys.glom().map(k -> BatchBoundaries.count(k, epochs, lo, hi, parts))
          .treeAggregate(new long[0], Counts::add, Counts::add, 2);
      return sum.length == 0 ? new long[lo.length * parts] : sum;
    }

    /** Adds {@code b} into {@code a}; the empty array (the zero, small in every task) is none. */
    private static long[] add(long[] a, long[] b) {
      if (a.length == 0) {
        return b;
      }
      for (int i = 0; i < b.length; i++) {
        a[i] += b[i];
      }
      return a;
    }

    @Override
    public long[] keysIn(long[] epochs, long[] lo, long[] hi) {
      return LongArrays.concat(keys.glom().map(k -> BatchBoundaries.keysIn(k, epochs, lo,
          hi)).collect());
    }

    @Override
    public long[] keysIn(long[] epochs, long[] lo, long[] hi, long firstHi, long upTo) {
      if (ride == null || upTo > 2L * ride.batchSize) {
        return keysIn(epochs, lo, hi);
      }
      long epoch = ride.epoch;
      long[] wanted = ride.ids;
      List<FirstMinibatchRows.Part> parts = rows.zipPartitions(keys,
          (Iterator<PartitionRows> r, Iterator<EpochKeys> k) -> {
            PartitionRows pr = r.next();
            List<EpochKeys> all = new ArrayList<>();
            k.forEachRemaining(all::add);
            return List.of(FirstMinibatchRows.Part.of(pr, all, epoch, firstHi, wanted,
                BatchBoundaries.keysIn(all, epochs, lo, hi))).iterator();
          }).collect();
      ride.gathered = parts;
      return LongArrays.concat(parts.stream().map(FirstMinibatchRows.Part::keys).toList());
    }
  }
}
