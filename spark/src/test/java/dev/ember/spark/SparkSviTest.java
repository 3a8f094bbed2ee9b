// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.GUIDE;
import static dev.ember.spark.SparkTestModels.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SparkSvi on an embedded {@code local[2]} Spark against the single-JVM computation: exactness,
 * repeatability, retries, resume, bad input and unbiasedness.
 */
@Timeout(300)
class SparkSviTest {
  static SparkSession spark;
  static JavaSparkContext jsc;
  static final int N = 24;
  static final int T = 6;
  static final List<Row> ROWS = SparkTestModels.rows(N, T);

  @BeforeAll
  static void start() {
    // local[2, 3]: two threads, a task may fail twice (the retry test makes first attempts fail)
    spark = SparkTestModels.session("local[2,3]", "ember-test");
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi.Builder builder() {
    return SparkSvi.builder(MODEL, GUIDE).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .progress(false);
  }

  /** The single-JVM loss and gradient of a minibatch: local sites scaled by N / B. */
  static ValueAndGrad local(SviState state, RngKey key, long[] ids) {
    List<SequenceRow> rows = rowsOf(ids);
    SequenceBatch batch = new ShardEngine(svi(), "series", Map.of()).batch(rows, N);
    double scale = (double) N / ids.length;
    Svi<SequenceBatch> scaled = Svi.of(SparkTestModels.scaledLocal(MODEL, scale),
        SparkTestModels.scaledLocal(GUIDE, scale), Adam.of(0.05),
        new RowKeyedTraceElbo(1, "series"));
    Svi.LossAndGrad lg = scaled.lossAndGrad(state, batch, key);
    return new ValueAndGrad(Tensor.scalar(lg.loss()), lg.grads());
  }

  static Svi<SequenceBatch> svi() {
    return Svi.of(MODEL, GUIDE, Adam.of(0.05), new RowKeyedTraceElbo(1, "series")).progress(false);
  }

  static List<SequenceRow> rowsOf(long[] ids) {
    return rowsOf(ids, ROWS);
  }

  /** The rows of {@code ids} among {@code rows} (made by {@link SparkTestModels#rows}). */
  static List<SequenceRow> rowsOf(long[] ids, List<Row> rows) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    List<SequenceRow> out = new ArrayList<>();
    for (Row r : rows) {
      if (Arrays.binarySearch(sorted, r.getLong(0)) >= 0) {
        @SuppressWarnings("unchecked") // built by SparkTestModels.rows from a java List
        List<Double> v = (List<Double>) r.get(1);
        out.add(new SequenceRow(r.getLong(0), v.stream().mapToDouble(Double::doubleValue).toArray(),
            Map.of()));
      }
    }
    return out;
  }

  /**
   * A step's loss and gradient over all partitions.
   *
   * @param loss the loss
   * @param gradient its gradient, flattened
   * @param rows the rows in the minibatch
   */
  record Combined(double loss, double[] gradient, long rows) {}

  /** The distributed loss and gradient of the minibatch {@code ids} on {@code partitions}. */
  static Combined distributed(int partitions, SviState state, RngKey key, long[] ids) {
    Dataset<Row> df = SparkTestModels.dataset(spark, ROWS, partitions);
    DataPreparation.Prepared p = DataPreparation.prepare(df,
        DatasetReader.of(df.schema(), new DatasetReader.Columns()), false);
    ShardEngine engine = new ShardEngine(svi(), "series", Map.of());
    Broadcast<FitContext> ctx = jsc.broadcast(new FitContext(engine, state.constraints(),
        SeriesParams.none(), N, ids.length));
    StepInputShipping.Shipped in = StepInputShipping.inlineWhenSmall(jsc, new StepInput(
        state.optimizer().params(), key, state.step(), state.optimizer().step(), 0, 0));
    try {
      ShardResult r = GlobalStep.runOnIds(p.rows(), ids, ctx, in, 1);
      int size = ShardEngine.flatten(state.optimizer().params(), state).length;
      return new Combined(r.loss(), r.gradient(size), r.rows());
    } finally {
      ctx.destroy();
      in.release();
      p.unpersist();
    }
  }

  static SviState initialState() {
    long[] all = Arrays.stream(ROWS.toArray(new Row[0])).mapToLong(r -> r.getLong(0)).toArray();
    return svi().init(RngKey.of(1),
        new ShardEngine(svi(), "series", Map.of()).batch(rowsOf(all), N));
  }

  @Test
  void distributedLossAndGradientEqualTheSingleJvmOnesForAnyPartitioning() {
    SviState state = initialState();
    RngKey key = RngKey.of(77);
    long[] ids = {1000, 1035, 1056, 1091, 1154}; // B = 5 of N = 24
    ValueAndGrad ref = local(state, key, ids);
    double[] refGrad = ShardEngine.flatten(ref.grad(), state);
    for (int p : new int[] {1, 2, 3, 7}) {
      Combined c = distributed(p, state, key, ids);
      assertEquals(5, c.rows());
      assertEquals(ref.loss(), c.loss(), 1e-10 * Math.abs(ref.loss()), p + " partitions");
      for (int i = 0; i < refGrad.length; i++) {
        assertEquals(refGrad[i], c.gradient()[i], 1e-10 * Math.max(1, Math.abs(refGrad[i])),
            p + " partitions, gradient " + i);
      }
    }
  }

  @Test
  void averagedOverAllMinibatchesTheGradientIsTheFullDataGradient() {
    // N = 24 is not small enough to enumerate all subsets; the rows' draws do not depend on the
    // batch, so averaging over all C(6, 3) minibatches of 6 chosen series equals the full batch
    // of those 6 (N scaled alike): each series is in 10 of the 20 subsets.
    SviState state = initialState();
    RngKey key = RngKey.of(3);
    long[] six = {1000, 1007, 1014, 1021, 1028, 1035};
    Combined full = distributed(2, state, key, six);
    int size = full.gradient().length;
    double[] mean = new double[size];
    double meanLoss = 0;
    int count = 0;
    for (int i = 0; i < 6; i++) {
      for (int j = i + 1; j < 6; j++) {
        for (int k = j + 1; k < 6; k++) {
          Combined c = distributed(2, state, key, new long[] {six[i], six[j], six[k]});
          meanLoss += c.loss();
          for (int q = 0; q < size; q++) {
            mean[q] += c.gradient()[q];
          }
          count++;
        }
      }
    }
    assertEquals(20, count);
    assertEquals(full.loss(), meanLoss / count, 1e-9 * Math.abs(full.loss()));
    for (int q = 0; q < size; q++) {
      assertEquals(full.gradient()[q], mean[q] / count,
          1e-9 * Math.max(1, Math.abs(full.gradient()[q])));
    }
  }

  @Test
  void fitsAreRepeatableAndDoNotDependOnPartitioning() {
    SparkSviModel a = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 3), 12);
    SparkSviModel b = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 3), 12);
    assertArrayEquals(a.losses(), b.losses(), 0.0, "bit-identical");
    for (String k : a.params().keySet()) {
      assertArrayEquals(a.params().get(k).toArray(), b.params().get(k).toArray(), 0.0, k);
    }
    SparkSviModel c = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 5), 12);
    for (int i = 0; i < a.losses().length; i++) {
      assertEquals(a.losses()[i], c.losses()[i], 1e-10 * Math.abs(a.losses()[i]), "step " + i);
    }
    for (String k : a.params().keySet()) {
      assertArrayEquals(a.params().get(k).toArray(), c.params().get(k).toArray(), 1e-10, k);
    }
    assertEquals(N, a.series());
    assertEquals(8, a.batchSize());
    assertTrue(a.losses()[11] < a.losses()[0], "the loss goes down");
  }

  @Test
  void failedFirstAttemptsChangeNothing() {
    SparkSviModel clean = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 3), 4);
    dev.ember.handlers.Model<SequenceBatch> flaky = batch -> {
      TaskContext tc = TaskContext.get();
      if (tc != null && tc.attemptNumber() == 0 && tc.partitionId() % 2 == 0) {
        throw new IllegalStateException("injected failure of a first attempt");
      }
      MODEL.run(batch);
    };
    SparkSviModel retried = SparkSvi.builder(flaky, GUIDE).optimizer(Adam.of(0.05)).batchSize(8)
        .seed(5).progress(false).build().fit(SparkTestModels.dataset(spark, ROWS, 3), 4);
    assertArrayEquals(clean.losses(), retried.losses(), 0.0);
  }

  /**
   * 10 steps straight equal 10 steps that stopped after the checkpoint of step 5 (the later one
   * removed, and an unfinished write of step 10 left in its place) and were resumed from it, bit
   * for bit.
   */
  @Test
  void progressLinesGiveTheFirstEveryKthAndTheLastStepsLoss() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(bytes, true,
        java.nio.charset.StandardCharsets.UTF_8);
    SparkSviModel r = builder().console(out).progressLines(3).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 7);
    String[] lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
    int[] steps = {1, 3, 6, 7};
    assertEquals(steps.length, lines.length, String.join(" | ", lines));
    for (int k = 0; k < steps.length; k++) {
      String head = String.format(java.util.Locale.ROOT, "step %d/7 loss %.6g (smoothed ",
          steps[k], r.losses()[steps[k] - 1]);
      assertTrue(lines[k].startsWith(head) && lines[k].contains(" rows/s | "), lines[k]);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().progressLines(-1));
    assertEquals("progressLines: every -1 steps; give a positive number of steps between lines,"
        + " or 0 for none", e.getMessage());
  }

  @Test
  void resumingFromACheckpointEqualsTheUninterruptedFit(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    SparkSviModel straight = builder().build().fit(SparkTestModels.dataset(spark, ROWS, 2), 10);
    String ck = dir.resolve("ck").toString();
    builder().checkpoint(ck, 5).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 10);
    Path ten = dir.resolve("ck").resolve("step-000000000010");
    CheckpointFiles.deleteRecursively(ten);
    // a checkpoint interrupted mid-write: its arrays written, its header not yet
    Files.createDirectories(ten);
    Files.writeString(ten.resolve("arrays.bin"), "partial");
    SparkSviModel resumed = builder().checkpoint(ck, 5).console(CheckpointFiles.quiet()).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 10);
    assertArrayEquals(straight.losses(), resumed.losses(), 0.0);
    for (String k : straight.params().keySet()) {
      assertArrayEquals(straight.params().get(k).toArray(), resumed.params().get(k).toArray(), 0.0);
    }
    assertEquals(5, resumed.timings().steps(), "steps run after the resume");
    // each task's CPU interval lies inside its wall interval: its two tasks ran on a CPU for at
    // most their wall time (10 microseconds' slack a task: two clocks, each read through the
    // kernel under a hypervisor), and for some of it
    StepTimings t = straight.timings();
    for (int i = 0; i < t.steps(); i++) {
      assertTrue(t.computeCpuNanos()[i] > 0 && t.computeCpuNanos()[i]
          <= t.computeNanos()[i] + 2 * 10_000, "step " + i + ": CPU " + t.computeCpuNanos()[i]
          + " ns of " + t.computeNanos()[i]);
    }
    // no per-series params: no work on per-series state
    assertEquals(0, t.seriesRegroup() + t.seriesInitialState() + t.seriesUpdate());
    assertEquals(t.medianComputeMs(0), t.medianComputeBesideSeriesStateMs(0), 0.0);
  }

  @Test
  @SuppressWarnings("try") // the plate is entered for its effect
  void perStepCovariatesReachTheModelFromTheFirstStep() {
    // y_t ~ N(beta x_t, 1) with y = 2 x: beta starts at 0 and Adam's first steps move it by
    // about the rate (0.1) each toward 2
    dev.ember.handlers.Model<SequenceBatch> model = batch -> {
      Tensor beta = dev.ember.primitives.Primitives.param("beta", Tensor.scalar(0.0));
      try (dev.ember.handlers.Plate p =
          dev.ember.primitives.Primitives.plate("series", batch.size())) {
        dev.ember.primitives.Primitives.sample("y", dev.ember.dist.Normal.of(
            batch.covariate("x").mul(beta), Tensor.scalar(1.0)).mask(batch.observed()),
            batch.values());
      }
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      List<Double> x = List.of(1.0 + i, 0.5, -1.0);
      rows.add(RowFactory.create((long) i, x.stream().map(v -> 2 * v).toList(), x));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SparkTestModels.SCHEMA.add("x",
        org.apache.spark.sql.types.DataTypes.createArrayType(
            org.apache.spark.sql.types.DataTypes.DoubleType, true), true));
    SparkSviModel r = SparkSvi.builder(model, d -> { }).optimizer(Adam.of(0.1)).batchSize(3)
        .perStepCovariate("x").progress(false).build().fit(df, 3);
    double beta = r.params().get("beta").item();
    assertTrue(beta > 0.25 && beta < 0.31, "beta after 3 steps: " + beta);
    // as a per-series covariate the rows' vectors must have one length
    List<Row> ragged = new ArrayList<>(rows);
    ragged.add(RowFactory.create(9L, List.of(1.0, 2.0, 3.0), List.of(1.0)));
    Dataset<Row> bad = spark.createDataFrame(ragged, df.schema());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkSvi.builder(model, d -> { }).batchSize(3).perSeriesCovariate("x")
            .progress(false).build().fit(bad, 1));
    assertTrue(e.getMessage().contains("row id") && e.getMessage().contains("'x'")
        && e.getMessage().contains("same length"), e.getMessage());
  }

  /**
   * A per-series covariate as a Spark ML vector (dense or sparse) reaches the model as the same
   * {@code [B, K]} tensor as an {@code array<double>} column: the two fits are bit-identical, and
   * the fit moves toward the truth y = 2 x_0 - x_1. A vector in a per-step column is refused.
   */
  @Test
  @SuppressWarnings("try") // the plate is entered for its effect
  void perSeriesCovariatesMayBeSparkMlVectors() {
    dev.ember.handlers.Model<SequenceBatch> model = batch -> {
      Tensor w = dev.ember.primitives.Primitives.param("w", Tensor.zeros(2));
      Tensor mean = batch.covariate("x").matmul(w.reshape(2, 1)).reshape(1, batch.size()); // [1, B]
      try (dev.ember.handlers.Plate p =
          dev.ember.primitives.Primitives.plate("series", batch.size())) {
        dev.ember.primitives.Primitives.sample("y",
            dev.ember.dist.Normal.of(mean, Tensor.scalar(1.0)).mask(batch.observed()),
            batch.values());
      }
    };
    List<Row> arrays = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      double x0 = 1.0 + i;
      double x1 = i % 2 == 0 ? 0.0 : 0.5 * i;
      double y = 2 * x0 - x1;
      arrays.add(RowFactory.create((long) i, List.of(y, y + 0.1), List.of(x0, x1)));
      vectors.add(RowFactory.create((long) i, List.of(y, y + 0.1), i % 2 == 0
          ? org.apache.spark.ml.linalg.Vectors.sparse(2, new int[] {0}, new double[] {x0})
          : org.apache.spark.ml.linalg.Vectors.dense(x0, x1)));
    }
    Dataset<Row> a = spark.createDataFrame(arrays, SparkTestModels.SCHEMA.add("x",
        org.apache.spark.sql.types.DataTypes.createArrayType(
            org.apache.spark.sql.types.DataTypes.DoubleType, false), false));
    Dataset<Row> v = spark.createDataFrame(vectors, SparkTestModels.SCHEMA.add("x",
        new org.apache.spark.ml.linalg.VectorUDT(), false));
    SparkSvi.Builder fit = SparkSvi.builder(model, d -> { }).optimizer(Adam.of(0.1)).batchSize(3)
        .perSeriesCovariate("x").progress(false);
    SparkSviModel ra = fit.build().fit(a, 20);
    SparkSviModel rv = fit.build().fit(v, 20);
    assertArrayEquals(ra.losses(), rv.losses(), 0.0);
    assertArrayEquals(ra.params().get("w").toArray(), rv.params().get("w").toArray(), 0.0);
    assertTrue(rv.params().get("w").toArray()[0] > 1.0,
        "w_0 moves toward 2: " + rv.params().get("w"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkSvi.builder(model, d -> { }).batchSize(3).perStepCovariate("x").progress(false)
            .build().fit(v, 1));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("vector"), e.getMessage());
  }

  @Test
  void badRowsAreNamedOrSkipped() {
    List<Row> bad = new ArrayList<>(ROWS);
    bad.add(RowFactory.create(5L, Arrays.asList(0.1, Double.NaN)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder().build().fit(SparkTestModels.dataset(spark, bad, 2), 1));
    assertTrue(e.getMessage().contains("row id 5") && e.getMessage().contains("'values'")
        && e.getMessage().contains("NaN"), e.getMessage());
    List<Row> empty = new ArrayList<>(ROWS);
    empty.add(RowFactory.create(6L, List.of()));
    e = assertThrows(IllegalArgumentException.class,
        () -> builder().build().fit(SparkTestModels.dataset(spark, empty, 2), 1));
    assertTrue(e.getMessage().contains("row id 6") && e.getMessage().contains("empty"),
        e.getMessage());
    List<Row> dup = new ArrayList<>(ROWS);
    dup.add(RowFactory.create(1000L, List.of(1.0, 2.0)));
    e = assertThrows(IllegalArgumentException.class,
        () -> builder().build().fit(SparkTestModels.dataset(spark, dup, 2), 1));
    assertTrue(e.getMessage().contains("row id 1000") && e.getMessage().contains("unique"),
        e.getMessage());
    List<Row> nulls = new ArrayList<>(ROWS);
    nulls.add(RowFactory.create(7L, null));
    e = assertThrows(IllegalArgumentException.class,
        () -> builder().build().fit(SparkTestModels.dataset(spark, nulls, 2), 1));
    assertTrue(e.getMessage().contains("row id 7") && e.getMessage().contains("null"),
        e.getMessage());
    Dataset<Row> wrongType = spark.createDataFrame(List.of(RowFactory.create("a", List.of(1.0))),
        new org.apache.spark.sql.types.StructType().add("id", "string")
            .add("values", "array<double>"));
    e = assertThrows(IllegalArgumentException.class, () -> builder().build().fit(wrongType, 1));
    assertTrue(e.getMessage().contains("'id'") && e.getMessage().contains("string"),
        e.getMessage());
    List<Row> all = new ArrayList<>(bad);
    all.add(RowFactory.create(6L, List.of()));
    SparkSviModel r = builder().skipInvalidRows(true).build()
        .fit(SparkTestModels.dataset(spark, all, 2), 2);
    assertEquals(2, r.skippedRows());
    assertEquals(N, r.series());
  }
}
