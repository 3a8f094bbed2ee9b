// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The set-up pass and the minibatch index on an embedded Spark against what this test computes
 * from the rows on one machine: the counts, longest length, fingerprint and value statistics of
 * the rows; duplicated ids wherever they sit; and every step's minibatch equal to the definition
 * ({@link Minibatches}: all ids ordered in one place) for any partitioning, across epochs and
 * windows of epochs.
 */
@Timeout(300)
class SparkDataTest {
  static SparkSession spark;
  static JavaSparkContext jsc;

  @BeforeAll
  static void start() {
    spark = SparkTestModels.session("local[2]", "ember-data-test");
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static DataPreparation.Prepared prepare(Dataset<Row> df, boolean skip) {
    return DataPreparation.prepare(df, DatasetReader.of(df.schema(), new DatasetReader.Columns()),
        skip);
  }

  static List<SequenceRow> rows(List<Row> rows) {
    List<SequenceRow> out = new ArrayList<>();
    for (Row r : rows) {
      @SuppressWarnings("unchecked") // built by SparkTestModels.rows from a java List
      List<Double> v = (List<Double>) r.get(1);
      out.add(new SequenceRow(r.getLong(0), v.stream().mapToDouble(Double::doubleValue).toArray(),
          Map.of()));
    }
    return out;
  }

  @Test
  void theSetUpPassSummarizesTheRowsAsOneMachineDoes() {
    List<Row> data = SparkTestModels.rows(40, 7);
    DataFingerprint fingerprint = DataFingerprint.empty();
    ValueStats values = ValueStats.empty();
    int longest = 0;
    for (SequenceRow r : rows(data)) {
      fingerprint = fingerprint.add(r);
      values = values.add(r.values());
      longest = Math.max(longest, r.values().length);
    }
    for (int p : new int[] {1, 3, 7}) {
      DataPreparation.Prepared prepared = prepare(SparkTestModels.dataset(spark, data, p), false);
      try {
        DataSummary s = prepared.summary();
        assertEquals(40, s.valid());
        assertEquals(0, prepared.skipped());
        assertEquals(longest, s.longest());
        assertEquals(fingerprint, s.fingerprint(), p + " partitions");
        assertEquals(values.count(), s.values().count());
        assertEquals(values.mean(), s.values().mean(), 1e-12);
        assertEquals(values.sd(), s.values().sd(), 1e-12);
        assertArrayEquals(new long[] {1000, 1007}, s.smallestIds());
        // the cached rows are the rows, each partition sorted by id
        List<PartitionRows> parts = prepared.rows().collect();
        long total = 0;
        for (PartitionRows pr : parts) {
          for (int i = 0; i < pr.size(); i++) {
            assertTrue(i == 0 || pr.id(i - 1) < pr.id(i));
            SequenceRow r = pr.row(i);
            SequenceRow want = rows(data).stream().filter(x -> x.id() == r.id()).findFirst()
                .orElseThrow();
            assertArrayEquals(want.values(), r.values(), 0.0);
          }
          total += pr.size();
        }
        assertEquals(40, total);
      } finally {
        prepared.unpersist();
      }
    }
  }

  /** 12 rows, then ids 1007 (one of the 12) twice more and 1071 twice. */
  static List<Row> withDuplicates() {
    List<Row> data = new ArrayList<>(SparkTestModels.rows(12, 4));
    data.add(RowFactory.create(1007L, List.of(9.0)));
    data.add(RowFactory.create(1007L, List.of(8.0, 7.0)));
    data.add(RowFactory.create(1071L, List.of(1.0)));
    data.add(RowFactory.create(1071L, List.of(2.0)));
    return data;
  }

  /** The five rows of ids 1007 and 1071 left out, the other 11 kept. */
  static void assertDuplicatesLeftOut(DataPreparation.Prepared skipped) {
    assertEquals(5, skipped.skipped());
    assertEquals(11, skipped.summary().valid());
    long[] kept = skipped.rows().collect().stream()
        .flatMapToLong(pr -> Arrays.stream(pr.ids())).sorted().toArray();
    assertEquals(11, kept.length);
    assertTrue(Arrays.stream(kept).noneMatch(id -> id == 1007 || id == 1071));
  }

  @Test
  void duplicatedIdsAreFoundInAnyPartitionsAndNamedOrSkipped() {
    List<Row> data = withDuplicates();
    for (int p : new int[] {1, 2, 5}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> prepare(SparkTestModels.dataset(spark, data, p), false));
      assertTrue(e.getMessage().contains("row id 1007") && e.getMessage().contains("3 times")
          && e.getMessage().contains("skipInvalidRows"), e.getMessage());
      DataPreparation.Prepared skipped = prepare(SparkTestModels.dataset(spark, data, p), true);
      try {
        // every row of 1007 (three) and of 1071 (two) left out, the other 11 kept
        assertDuplicatesLeftOut(skipped);
      } finally {
        skipped.unpersist();
      }
    }
  }

  /**
   * Data partitioned by id range (no id in two partitions: the pass alone finds the duplicates,
   * with no shuffle) give the same errors and the same rows kept as any partitioning; a
   * duplicated id at the edge of two ranges (the same id ending one partition and beginning the
   * next) makes the ranges overlap and is found across them.
   */
  @Test
  void duplicatedIdsInPartitionsOfDisjointRangesAreFoundByThePass() {
    List<Row> data = withDuplicates();
    for (int p : new int[] {1, 3}) {
      Dataset<Row> ranged = spark.createDataFrame(data, SparkTestModels.SCHEMA)
          .repartitionByRange(p, org.apache.spark.sql.functions.col("id"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> prepare(ranged, false));
      assertTrue(e.getMessage().contains("row id 1007") && e.getMessage().contains("3 times"),
          e.getMessage());
      DataPreparation.Prepared skipped = prepare(ranged, true);
      try {
        assertDuplicatesLeftOut(skipped);
      } finally {
        skipped.unpersist();
      }
    }
    // ids 1 .. 4 in one partition and 4 .. 7 in the other: 4 is in both
    List<Row> edge = new ArrayList<>();
    for (long id : new long[] {1, 2, 3, 4, 4, 5, 6, 7}) {
      edge.add(RowFactory.create(id, new double[] {1.0 * id}));
    }
    Dataset<Row> split = spark.createDataFrame(jsc.parallelize(edge, 2), SparkTestModels.SCHEMA);
    assertEquals(2, split.javaRDD().getNumPartitions());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> prepare(split, false));
    assertTrue(e.getMessage().contains("row id 4") && e.getMessage().contains("2 times"),
        e.getMessage());
  }

  /**
   * A null element of the values is named with its step, whether the array is read in Spark's
   * unsafe form (a cached or shuffled dataset) or not; zeros are values like any other.
   */
  @Test
  void aNullValueIsNamedWithItsStepAndZerosAreKept() {
    List<Row> data = new ArrayList<>(SparkTestModels.rows(6, 3));
    data.add(RowFactory.create(7L, Arrays.asList(0.0, 0.0, -0.0)));
    data.add(RowFactory.create(8L, Arrays.asList(0.0, null, 1.5)));
    for (Dataset<Row> df : List.of(spark.createDataFrame(data, SparkTestModels.SCHEMA),
        SparkTestModels.dataset(spark, data, 2).cache())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> prepare(df, false));
      assertTrue(e.getMessage().contains("row id 8") && e.getMessage().contains("null or NaN")
          && e.getMessage().contains("step 1"), e.getMessage());
      DataPreparation.Prepared kept = prepare(df, true);
      try {
        assertEquals(1, kept.skipped());
        assertEquals(7, kept.summary().valid());
        SequenceRow zeros = kept.rows().collect().stream().filter(pr -> pr.position(7L) >= 0)
            .map(pr -> pr.row(pr.position(7L))).findFirst().orElseThrow();
        assertArrayEquals(new double[] {0.0, 0.0, -0.0}, zeros.values(), 0.0);
      } finally {
        kept.unpersist();
        df.unpersist();
      }
    }
  }

  /** Partitions' id ranges are disjoint when each ends below the next one's start, in any order. */
  @Test
  void idRangesAreDisjointWhenNoneOverlapsAnother() {
    DataSummary one = DataSummary.empty();
    one.invalid("none valid");
    DataSummary some = SparkDataTest.summaryOf(2);
    assertTrue(DataPreparation.disjoint(List.of(block(0, some, 10, 20), block(1, some, 0, 9),
        block(2, some, 21, 21))));
    assertFalse(DataPreparation.disjoint(List.of(block(0, some, 10, 20), block(1, some, 20, 30))));
    assertFalse(DataPreparation.disjoint(List.of(block(0, some, 0, 100), block(1, some, 40, 50))));
    // a partition with no valid rows has no range
    assertTrue(DataPreparation.disjoint(List.of(block(0, some, 0, 10), block(1, one,
        Long.MAX_VALUE, Long.MIN_VALUE), block(2, some, 11, 12))));
  }

  private static DataPreparation.Block block(int p, DataSummary s, long min, long max) {
    return new DataPreparation.Block(p, null, s, min, max, DuplicateIds.none());
  }

  /** A summary of {@code n} valid rows. */
  static DataSummary summaryOf(int n) {
    DataSummary s = DataSummary.empty();
    for (int i = 0; i < n; i++) {
      s.add(new SequenceRow(i, new double[] {1.0}, Map.of()), List.of());
    }
    return s;
  }

  /**
   * N = 37, B = 5: K = 7 minibatches per epoch and 2 rows sitting each epoch out; a window holds
   * ceil(64 / 7) = 10 epochs, so steps 0 .. 150 cross windows. Every sampled step's rows equal
   * the reference's, on 1, 2, 3 and 7 partitions.
   */
  @Test
  void everyStepsMinibatchIsTheReferencesForAnyPartitioning() {
    List<Row> data = SparkTestModels.rows(37, 3);
    long[] all = data.stream().mapToLong(r -> r.getLong(0)).toArray();
    for (int b : new int[] {5, 37}) {
      Minibatches reference = new Minibatches(all, b, 42);
      for (int p : new int[] {1, 2, 3, 7}) {
        DataPreparation.Prepared prepared = prepare(SparkTestModels.dataset(spark, data, p), false);
        try (MinibatchIndex index = new MinibatchIndex(jsc, prepared.rows(), 37, b, 42)) {
          assertEquals(reference.perEpoch(), index.perEpoch());
          for (long step : new long[] {0, 6, 7, 69, 70, 150}) {
            long[] got = index.fetch(step).get(0).stream().mapToLong(SequenceRow::id).sorted()
                .toArray();
            assertArrayEquals(reference.batch(step), got, "B " + b + ", " + p
                + " partitions, step " + step);
          }
        } finally {
          prepared.unpersist();
        }
      }
    }
  }

  /**
   * The pass's counts of the keys of epoch 0 are those the partitions' sorted keys give, and an
   * index that starts from them (a window of one epoch: N = 200, B = 2, K = 100) yields the
   * reference's minibatches.
   */
  @Test
  void thePassCountsTheFirstRoundAsThePartitionsKeysDo() {
    List<Row> data = SparkTestModels.rows(200, 3);
    long[] all = data.stream().mapToLong(r -> r.getLong(0)).toArray();
    Minibatches reference = new Minibatches(all, 2, 9);
    Dataset<Row> df = SparkTestModels.dataset(spark, data, 3);
    DataPreparation.Prepared prepared = DataPreparation.prepare(df,
        DatasetReader.of(df.schema(), new DatasetReader.Columns()), false,
        new DataPreparation.KeyCounts(9, BatchBoundaries.MAX_SPLIT));
    try {
      long[] want = new long[BatchBoundaries.MAX_SPLIT];
      for (PartitionRows pr : prepared.rows().collect()) {
        long[] c = BatchBoundaries.count(List.of(EpochKeys.of(pr, 9, 0)), new long[] {0},
            new long[] {Long.MIN_VALUE}, new long[] {Long.MAX_VALUE}, BatchBoundaries.MAX_SPLIT);
        for (int k = 0; k < c.length; k++) {
          want[k] += c[k];
        }
      }
      assertArrayEquals(want, prepared.epochZeroCounts());
      try (MinibatchIndex index = new MinibatchIndex(jsc, prepared.rows(), 200, 2, 9,
          prepared.epochZeroCounts())) {
        for (long step : new long[] {0, 1, 57, 99, 100, 163}) {
          long[] got = index.fetch(step).get(0).stream().mapToLong(SequenceRow::id).sorted()
              .toArray();
          assertArrayEquals(reference.batch(step), got, "step " + step);
        }
      }
    } finally {
      prepared.unpersist();
    }
  }

  /** Counts the jobs started under a description, as Spark's listener bus reports them. */
  static final class DescribedJobs extends org.apache.spark.scheduler.SparkListener {
    private final String description;
    final java.util.concurrent.atomic.AtomicInteger started =
        new java.util.concurrent.atomic.AtomicInteger();

    DescribedJobs(String description) {
      this.description = description;
    }

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
      if (description.equals(e.properties().getProperty("spark.job.description"))) {
        started.incrementAndGet();
      }
    }
  }

  /** The jobs under {@code description} that {@code run} starts on {@code session}. */
  static int jobsDescribed(SparkSession session, String description, Runnable run)
      throws Exception {
    DescribedJobs jobs = new DescribedJobs(description);
    session.sparkContext().addSparkListener(jobs);
    try {
      run.run();
      session.sparkContext().listenerBus().waitUntilEmpty();
      return jobs.started.get();
    } finally {
      session.sparkContext().removeSparkListener(jobs);
    }
  }

  /**
   * A fit's first minibatch (step 0) comes with the job that ends the boundary search when the
   * hash range it must read holds at most 2B keys (N = 2 000, B = 8: too many keys to gather at
   * once, so the search counts them in the 65 536 parts the pass counted, a key or none per
   * part), and by a job of its own when it holds more (N = 37, B = 5: a window of 10 epochs is
   * searched by gathering all 37 keys at once). Both give the reference's minibatch, the same
   * rows in the same order as the job of its own gives on the same index, and the rows of the ids
   * asked for.
   */
  @Test
  void theFirstMinibatchRidesOnTheSearchsLastJobWhenItsRangeIsSmall() throws Exception {
    String fetchJob = "ember first minibatch";
    for (int[] nb : new int[][] {{2000, 8}, {37, 5}}) {
      int n = nb[0];
      int b = nb[1];
      List<Row> data = SparkTestModels.rows(n, 3);
      long[] all = data.stream().mapToLong(r -> r.getLong(0)).toArray();
      Minibatches reference = new Minibatches(all, b, 9);
      Dataset<Row> df = SparkTestModels.dataset(spark, data, 3);
      DataPreparation.Prepared prepared = DataPreparation.prepare(df,
          DatasetReader.of(df.schema(), new DatasetReader.Columns()), false,
          new DataPreparation.KeyCounts(9, BatchBoundaries.MAX_SPLIT));
      try (MinibatchIndex index = new MinibatchIndex(jsc, prepared.rows(), n, b, 9,
          prepared.epochZeroCounts())) {
        List<List<List<SequenceRow>>> got = new ArrayList<>();
        int jobs = jobsDescribed(spark, fetchJob, () -> got.add(index.fetch(0, all[3], all[0])));
        assertEquals(n == 2000 ? 0 : 1, jobs, "N " + n + ": first-minibatch jobs");
        List<SequenceRow> batch = got.get(0).get(0);
        assertArrayEquals(reference.batch(0), batch.stream().mapToLong(SequenceRow::id)
            .sorted().toArray(), "N " + n);
        assertEquals(List.of(all[0], all[3]), got.get(0).get(1).stream()
            .map(SequenceRow::id).sorted().toList());
        // the window is built now: the same step comes by a job of its own
        List<List<SequenceRow>> again = index.fetch(0, all[3], all[0]);
        assertEquals(again.get(0).stream().map(SequenceRow::id).toList(),
            batch.stream().map(SequenceRow::id).toList(), "N " + n + ": same rows, same order");
        for (int i = 0; i < batch.size(); i++) {
          assertArrayEquals(again.get(0).get(i).values(), batch.get(i).values(), 0.0);
        }
      } finally {
        prepared.unpersist();
      }
    }
  }
}
