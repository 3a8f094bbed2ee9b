// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The set-up pass over a {@code Dataset} of sequences, one Spark job: each partition parses and
 * validates its rows ({@link DatasetReader}), keeps the valid ones as a cached {@link
 * PartitionRows} and summarizes them ({@link DataSummary}: counts, longest length, fingerprint,
 * value statistics, per-series covariate lengths); the ids go through a shuffle to {@value
 * #MAX_ID_REDUCERS} or fewer reducers, by hash, which find the ids that occur more than once. Only
 * the partitions' summaries and the reducers' duplicate counts reach the driver; nothing of size
 * N does.
 *
 * <pre>{@code
 * DataPreparation.Prepared p = DataPreparation.prepare(df, reader, false);
 * p.rows();              // JavaRDD<PartitionRows>, cached: unpersist when done
 * p.summary().valid();   // N
 * }</pre>
 *
 * <p>Invalid rows and duplicated ids are errors naming the first one (the row's id, the column,
 * the problem, the fix); with {@code skipInvalid} they are left out and counted, every row of a
 * duplicated id included (which then costs a second job that regroups the rows by id).
 */
final class DataPreparation {
  private DataPreparation() {}

  /** The most reducers that look for duplicated ids. */
  static final int MAX_ID_REDUCERS = 64;

  /**
   * The prepared data.
   *
   * @param rows the valid rows, one {@link PartitionRows} per partition, read from {@code
   *     persisted}
   * @param summary what the pass learnt about them
   * @param skipped the rows left out (invalid, or of a duplicated id)
   * @param persisted the cached RDD that holds them
   * @param epochZeroCounts the rows' keys of epoch 0 counted as {@link KeyCounts} asked, or null
   */
  record Prepared(JavaRDD<PartitionRows> rows, DataSummary summary, long skipped,
      JavaRDD<?> persisted, long[] epochZeroCounts) {
    /** Drops the cached rows. */
    void unpersist() {
      persisted.unpersist(false);
    }
  }

  /** One partition's rows with their summary, as the pass caches them. */
  record Block(int partition, PartitionRows rows, DataSummary summary) implements Serializable {}

  /** What a reducer of ids reports. */
  record Duplicates(List<Block> summaries, long ids, long rows, long firstId, long firstCount,
      long[] epochZeroCounts) implements Serializable {}

  /**
   * What a fit's minibatch index asks of the pass: the ids' keys of epoch 0 under {@code seed}
   * counted in {@code parts} equal parts of the hash space ({@link BatchBoundaries#partOf}), the
   * first round of the boundary search, done by the reducers that hold the ids anyway.
   *
   * @param seed the fit's seed
   * @param parts the parts of the first round
   */
  record KeyCounts(long seed, int parts) implements Serializable {}

  /** The set-up pass over {@code data}. */
  static Prepared prepare(Dataset<Row> data, DatasetReader reader, boolean skipInvalid) {
    return prepare(data, reader, skipInvalid, null);
  }

  /** The set-up pass over {@code data}, counting the keys of epoch 0 as {@code keys} asks (or null). */
  static Prepared prepare(Dataset<Row> data, DatasetReader reader, boolean skipInvalid,
      KeyCounts keys) {
    List<String> covariates = reader.covariateNames();
    List<String> perSeries = perSeries(reader);
    JavaRDD<Block> blocks = reader.parse(data).mapPartitionsWithIndex((idx, it) -> {
      PartitionRows.Builder b = new PartitionRows.Builder(covariates);
      DataSummary s = DataSummary.empty();
      while (it.hasNext()) {
        DatasetReader.Parsed p = it.next();
        if (p.problem() != null) {
          s.invalid(p.problem());
        } else {
          b.add(p.row());
          s.add(p.row(), perSeries);
        }
      }
      return List.of(new Block(idx, b.build(), s)).iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
    boolean kept = false;
    try {
      int reducers = Math.max(1, Math.min(MAX_ID_REDUCERS, blocks.getNumPartitions()));
      List<Duplicates> found = blocks.flatMapToPair(b -> {
        List<Tuple2<Integer, Serializable>> out = new ArrayList<>();
        for (int r = 0; r < reducers; r++) {
          out.add(new Tuple2<>(r, idsOf(b.rows(), r, reducers)));
        }
        // the summary travels without the rows, to one reducer
        out.add(new Tuple2<>(b.partition() % reducers, new Block(b.partition(), null,
            b.summary())));
        return out.iterator();
      }).partitionBy(new HashPartitioner(reducers)).mapPartitions(it -> List.of(
          duplicates(it, keys)).iterator()).collect();
      List<Block> parts = new ArrayList<>();
      long dupIds = 0;
      long dupRows = 0;
      long firstId = 0;
      long firstCount = 0;
      long[] epochZero = keys == null ? null : new long[keys.parts()];
      for (Duplicates d : found) {
        parts.addAll(d.summaries());
        for (int k = 0; epochZero != null && k < epochZero.length; k++) {
          epochZero[k] += d.epochZeroCounts()[k];
        }
        dupIds += d.ids();
        dupRows += d.rows();
        if (d.ids() > 0 && (firstCount == 0 || d.firstId() < firstId)) {
          firstId = d.firstId();
          firstCount = d.firstCount();
        }
      }
      parts.sort(Comparator.comparingInt(Block::partition));
      DataSummary summary = DataSummary.empty();
      for (Block b : parts) {
        summary.merge(b.summary());
      }
      String idColumn = reader.columns().id;
      if (summary.invalid() > 0 && !skipInvalid) {
        throw new IllegalArgumentException(summary.firstProblem()
            + (summary.invalid() > 1 ? " (and " + (summary.invalid() - 1) + " more invalid rows)"
                : "") + "; fix the data or set skipInvalidRows(true) to leave such rows out");
      }
      if (dupIds > 0 && !skipInvalid) {
        throw new IllegalArgumentException("row id " + firstId + ": column '" + idColumn
            + "' holds this id " + firstCount + " times; ids must be unique (or set "
            + "skipInvalidRows(true) to leave duplicated ids out)");
      }
      Prepared prepared;
      if (dupIds > 0) {
        Regrouped r = byId(blocks.map(Block::rows), blocks.getNumPartitions(), true, covariates,
            perSeries);
        // the counts were of every row read; rows of duplicated ids are gone
        prepared = new Prepared(r.rows(), r.summary(), summary.invalid() + r.dropped(),
            r.persisted(), null);
      } else {
        prepared = new Prepared(blocks.map(Block::rows), summary, summary.invalid(), blocks,
            epochZero);
      }
      try {
        if (prepared.summary().lengthConflict() != null) {
          throw new IllegalArgumentException(prepared.summary().lengthConflict());
        }
        if (prepared.summary().valid() == 0) {
          throw new IllegalArgumentException("the dataset has no valid rows (" + summary.invalid()
              + " invalid, " + dupRows + " with duplicated ids)");
        }
      } catch (IllegalArgumentException e) {
        prepared.unpersist();
        throw e;
      }
      kept = dupIds == 0;
      return prepared;
    } finally {
      if (!kept) {
        blocks.unpersist(false);
      }
    }
  }

  /** The per-series covariates a reader reads. */
  private static List<String> perSeries(DatasetReader reader) {
    return reader.covariateNames().stream().filter(n -> reader.columns().covariates.get(n)
        == ShardEngine.CovariateKind.PER_SERIES).toList();
  }

  /** The reducer of an id among {@code reducers}: by a hash, so any ids spread evenly. */
  static int reducerOf(long id, int reducers) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) Math.floorMod(h ^ (h >>> 32), (long) reducers);
  }

  /** The ids of {@code rows} that reducer {@code r} checks, ascending. */
  private static long[] idsOf(PartitionRows rows, int r, int reducers) {
    long[] out = new long[rows.size()];
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (reducerOf(rows.id(i), reducers) == r) {
        out[n++] = rows.id(i);
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * One reducer: its ids sorted, runs of equal ids counted, their keys of epoch 0 counted if
   * {@code keys} asks; the summaries passed on.
   */
  private static Duplicates duplicates(java.util.Iterator<Tuple2<Integer, Serializable>> it,
      KeyCounts keys) {
    List<Block> summaries = new ArrayList<>();
    List<long[]> arrays = new ArrayList<>();
    int total = 0;
    while (it.hasNext()) {
      Serializable v = it.next()._2();
      if (v instanceof Block b) {
        summaries.add(b);
      } else {
        long[] a = (long[]) v;
        arrays.add(a);
        total += a.length;
      }
    }
    long[] ids = new long[total];
    int at = 0;
    for (long[] a : arrays) {
      System.arraycopy(a, 0, ids, at, a.length);
      at += a.length;
    }
    Arrays.sort(ids);
    long dupIds = 0;
    long dupRows = 0;
    long firstId = 0;
    long firstCount = 0;
    for (int i = 0; i < ids.length; ) {
      int j = i + 1;
      while (j < ids.length && ids[j] == ids[i]) {
        j++;
      }
      if (j - i > 1) {
        if (dupIds == 0) {
          firstId = ids[i];
          firstCount = j - i;
        }
        dupIds++;
        dupRows += j - i;
      }
      i = j;
    }
    long[] epochZero = null;
    if (keys != null) {
      epochZero = new long[keys.parts()];
      for (long id : ids) {
        epochZero[BatchBoundaries.partOf(Long.MIN_VALUE, Long.MAX_VALUE, keys.parts(),
            EpochKeys.hash(keys.seed(), 0, id))]++;
      }
    }
    return new Duplicates(summaries, dupIds, dupRows, firstId, firstCount, epochZero);
  }

  /**
   * Rows regrouped by id.
   *
   * @param rows one {@link PartitionRows} per partition, read from {@code persisted}
   * @param summary the summary of the rows kept (when duplicates were dropped; else empty)
   * @param dropped rows left out as duplicates
   * @param persisted the cached RDD that holds them
   */
  record Regrouped(JavaRDD<PartitionRows> rows, DataSummary summary, long dropped,
      JavaRDD<?> persisted) {}

  /**
   * {@code rows} regrouped into {@code partitions} partitions by {@link #seriesPartition} (a
   * shuffle), each sorted by id, and (if {@code dropDuplicated}) without any row of an id that
   * occurs more than once: per-series state can then be routed to its row by the same function.
   */
  static Regrouped byId(JavaRDD<PartitionRows> rows, int partitions, boolean dropDuplicated,
      List<String> covariates, List<String> perSeries) {
    HashPartitioner partitioner = new HashPartitioner(partitions);
    JavaRDD<Block> regrouped = rows.flatMapToPair(pr -> {
      PartitionRows.Builder[] parts = new PartitionRows.Builder[partitions];
      for (int i = 0; i < pr.size(); i++) {
        int p = partitioner.getPartition(pr.id(i));
        if (parts[p] == null) {
          parts[p] = new PartitionRows.Builder(covariates);
        }
        parts[p].add(pr.row(i));
      }
      List<Tuple2<Integer, PartitionRows>> out = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        if (parts[p] != null) {
          out.add(new Tuple2<>(p, parts[p].build()));
        }
      }
      return out.iterator();
    }).partitionBy(partitioner).mapPartitionsWithIndex((idx, it) -> {
      List<SequenceRow> all = new ArrayList<>();
      it.forEachRemaining(t -> all.addAll(t._2().all()));
      all.sort(Comparator.comparingLong(SequenceRow::id));
      PartitionRows.Builder b = new PartitionRows.Builder(covariates);
      DataSummary s = DataSummary.empty();
      for (int i = 0; i < all.size(); ) {
        int j = i + 1;
        while (j < all.size() && all.get(j).id() == all.get(i).id()) {
          j++;
        }
        for (int k = i; k < j; k++) {
          if (j - i == 1 || !dropDuplicated) {
            b.add(all.get(k));
            if (dropDuplicated) {
              s.add(all.get(k), perSeries);
            }
          } else {
            s.invalid("duplicated id " + all.get(k).id());
          }
        }
        i = j;
      }
      return List.of(new Block(idx, b.build(), s)).iterator();
    }, true).persist(StorageLevel.MEMORY_AND_DISK());
    List<DataSummary> parts = regrouped.map(Block::summary).collect();
    DataSummary summary = DataSummary.empty();
    long dropped = 0;
    for (DataSummary s : parts) {
      dropped += s.invalid();
      summary.merge(s);
    }
    return new Regrouped(regrouped.map(Block::rows), summary.withoutInvalid(), dropped, regrouped);
  }

  /** The partition that holds series {@code id} after {@link #byId} into {@code partitions}. */
  static int seriesPartition(long id, int partitions) {
    return new HashPartitioner(partitions).getPartition(id);
  }
}
