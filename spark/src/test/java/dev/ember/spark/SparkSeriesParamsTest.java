// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.MODEL;
import static dev.ember.spark.SparkTestModels.SERIES_GUIDE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.guides.AutoNormal;
import dev.ember.infer.guides.InitStrategy;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.ClippedAdam;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-series params kept on the executors, against single-JVM computations written here from
 * their definition: with the whole data in every minibatch a fit equals the single-JVM {@link
 * Svi} on one batch of all series; with minibatches it equals a loop that keeps every series'
 * params in a table, computes each step's loss and gradient on one batch with the local sites
 * scaled by N / B, steps the global params, and updates only the minibatch's series (lazily, at
 * the optimizer's global step), one series at a time.
 */
@Timeout(300)
class SparkSeriesParamsTest {
  static SparkSession spark;
  static final int N = 24;
  static final int T = 6;
  static final List<Row> ROWS = SparkTestModels.rows(N, T); // lengths T, T - 1, T - 2
  static final int B = 8;
  static final long SEED = 5;

  @BeforeAll
  static void start() {
    spark = SparkTestModels.session("local[2,3]", "ember-series-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi.Builder builder(Model<SequenceBatch> guide, Optimizer opt, int batch) {
    return SparkSvi.builder(MODEL, guide).optimizer(opt).batchSize(batch).seed(SEED)
        .progress(false);
  }

  static Map<Long, Map<String, double[]>> perSeries(SparkSviModel r) {
    Map<Long, Map<String, double[]>> out = new TreeMap<>();
    List<String> names = Arrays.asList(r.seriesParams().orElseThrow().columns());
    for (Row row : r.seriesParams().get().collectAsList()) {
      Map<String, double[]> m = new LinkedHashMap<>();
      for (int c = 1; c < names.size(); c++) {
        List<Double> v = row.getList(c);
        m.put(names.get(c), v.stream().mapToDouble(Double::doubleValue).toArray());
      }
      out.put(row.getLong(0), m);
    }
    return out;
  }

  /** The length of series {@code id} in {@link SparkTestModels#rows}: T, T - 1 or T - 2. */
  static int lengthOf(long id) {
    return T - (int) ((id - 1000) / 7) % 3;
  }

  /**
   * The steps of a [T] slice that series {@code id} has: what a fit reports for it (the padding
   * past its end, never fitted, is cut).
   */
  static double[] ownSteps(double[] slice, long id) {
    return Arrays.copyOf(slice, lengthOf(id));
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-10 * Math.max(1, Math.abs(expected[i])),
          what + " [" + i + "]");
    }
  }

  // ------------------------------------------------------------ the whole data in every batch

  /**
   * B = N: every step's minibatch is the whole data at scale 1, so the fit is the single-JVM SVI
   * of an AutoNormal (mu global, z per series) on one batch of all series, padded to the longest.
   */
  @Test
  void withTheWholeDataInEachBatchAnAutoNormalFitEqualsTheSingleJvmSvi() {
    // initialised at 0 (unconstrained): the prior median in a scan depends on the batch's draws
    assertWholeDataFitEqualsTheSingleJvmSvi(
        () -> AutoNormal.of(MODEL).initStrategy(InitStrategy.feasible()));
  }

  /** The same with the guide's padded steps masked as the model's are (a function shipped too). */
  @Test
  void aMaskedAutoNormalAlsoEqualsTheSingleJvmSvi() {
    assertWholeDataFitEqualsTheSingleJvmSvi(() -> AutoNormal.of(MODEL)
        .initStrategy(InitStrategy.feasible()).mask(SequenceBatch::observed, "z"));
  }

  private static void assertWholeDataFitEqualsTheSingleJvmSvi(
      java.util.function.Supplier<AutoNormal<SequenceBatch>> guides) {
    int steps = 15;
    SparkSviModel r = builder(guides.get(), Adam.of(0.05), N).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 3), steps);
    assertEquals(List.of("id", "auto_z_loc", "auto_z_scale"),
        Arrays.asList(r.seriesParams().orElseThrow().columns()));

    Svi<SequenceBatch> svi = Svi.of(MODEL, guides.get(), Adam.of(0.05),
        new RowKeyedTraceElbo(1, "series")).progress(false);
    SequenceBatch all = new ShardEngine(svi, "series", Map.of()).batch(SparkSviTest.rowsOf(
        ROWS.stream().mapToLong(row -> row.getLong(0)).sorted().toArray()), N);
    Svi.RunResult ref = svi.run(RngKey.of(SEED), steps, all);

    assertClose(ref.losses(), r.losses(), "losses");
    for (String k : r.params().keySet()) {
      assertClose(ref.params().get(k).toArray(), r.params().get(k).toArray(), k);
    }
    assertEquals(Map.of("auto_mu_loc", 0, "auto_mu_scale", 0, "phi", 0, "sigma", 0, "tau", 0)
        .keySet(), r.params().keySet(), "the driver holds the global params only");
    Map<Long, Map<String, double[]>> mine = perSeries(r);
    assertEquals(N, mine.size());
    for (int i = 0; i < N; i++) {
      long id = all.ids()[i];
      for (String name : List.of("auto_z_loc", "auto_z_scale")) {
        Tensor column = ref.params().get(name).select(1, i); // [T]
        assertClose(ownSteps(column.toArray(), id), mine.get(id).get(name),
            name + " of series " + id);
      }
    }
  }

  /**
   * An AutoNormal over minibatches: each partition's share of a minibatch has its own size, so the
   * guide (one instance per executor, shared by concurrent tasks) rebuilds its prototype for each;
   * 1 and 3 partitions still give the same fit (1e-10).
   */
  @Test
  void anAutoNormalOverMinibatchesDoesNotDependOnPartitioning() {
    AutoNormal<SequenceBatch> guide = AutoNormal.of(MODEL).initStrategy(InitStrategy.feasible());
    SparkSviModel one = builder(guide, Adam.of(0.05), B).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 1), 9);
    SparkSviModel three = builder(AutoNormal.of(MODEL).initStrategy(InitStrategy.feasible()),
        Adam.of(0.05), B).build().fit(SparkTestModels.dataset(spark, ROWS, 3), 9);
    assertClose(one.losses(), three.losses(), "losses");
    Map<Long, Map<String, double[]>> a = perSeries(one);
    Map<Long, Map<String, double[]>> b = perSeries(three);
    for (long id : a.keySet()) {
      assertClose(a.get(id).get("auto_z_loc"), b.get(id).get("auto_z_loc"), "series " + id);
    }
  }

  /**
   * A model with no global param (known phi, sigma, tau) and a guide with per-series params only:
   * the driver has nothing to step, and with B = N the fit equals the single-JVM Svi.
   */
  @Test
  @SuppressWarnings("try") // the plate is entered for its effect
  void perSeriesParamsAloneNeedNoGlobalParam() {
    Model<SequenceBatch> known = batch -> {
      int b = batch.size();
      dev.ember.primitives.Scan.scan((Tensor prev, List<Tensor> x) -> {
        try (dev.ember.handlers.Plate p = dev.ember.primitives.Primitives.plate("series", b)) {
          Tensor z = dev.ember.primitives.Primitives.sample("z",
              dev.ember.dist.Normal.of(prev.mul(0.6), Tensor.scalar(0.5)).mask(x.get(1)));
          dev.ember.primitives.Primitives.sample("y",
              dev.ember.dist.Normal.of(z, Tensor.scalar(0.3)).mask(x.get(1)), x.get(0));
          return dev.ember.primitives.ScanStep.of(z, (Tensor) null);
        }
      }, Tensor.zeros(b), List.of(batch.values(), batch.observed()));
    };
    Model<SequenceBatch> guide = batch -> {
      try (dev.ember.handlers.Plate p = dev.ember.primitives.Primitives.plate("series", batch.size())) {
        Tensor loc = dev.ember.primitives.Primitives.param("z_loc",
            Tensor.zeros(batch.steps(), batch.size()));
        Tensor scale = dev.ember.primitives.Primitives.param("z_scale",
            Tensor.full(0.1, batch.steps(), batch.size()),
            dev.ember.dist.constraints.Constraints.positive());
        dev.ember.primitives.Primitives.sampleOverTime("z",
            dev.ember.dist.Normal.of(loc, scale).mask(batch.observed()));
      }
    };
    int steps = 8;
    SparkSviModel r = SparkSvi.builder(known, guide).optimizer(Adam.of(0.05)).batchSize(N)
        .seed(SEED).progress(false).build().fit(SparkTestModels.dataset(spark, ROWS, 2), steps);
    assertTrue(r.params().isEmpty());
    Svi<SequenceBatch> svi = Svi.of(known, guide, Adam.of(0.05), new RowKeyedTraceElbo(1, "series"))
        .progress(false);
    long[] ids = ROWS.stream().mapToLong(row -> row.getLong(0)).sorted().toArray();
    SequenceBatch all = new ShardEngine(svi, "series", Map.of()).batch(SparkSviTest.rowsOf(ids), N);
    Svi.RunResult ref = svi.run(RngKey.of(SEED), steps, all);
    assertClose(ref.losses(), r.losses(), "losses");
    Map<Long, Map<String, double[]>> mine = perSeries(r);
    for (int i = 0; i < N; i++) {
      assertClose(ownSteps(ref.params().get("z_loc").select(1, i).toArray(), ids[i]),
          mine.get(ids[i]).get("z_loc"), "z_loc of series " + ids[i]);
    }
  }

  // ------------------------------------------------------------ minibatches: the lazy reference

  /** The reference fit of the class comment: per-series params in a table, updated lazily. */
  record Reference(double[] losses, Map<String, Tensor> global, Map<Long, Map<String, double[]>> series) {}

  static Reference reference(Optimizer opt, int steps) {
    Svi<SequenceBatch> svi = Svi.of(MODEL, SERIES_GUIDE, opt, new RowKeyedTraceElbo(1, "series"))
        .progress(false);
    ShardEngine engine = new ShardEngine(svi, "series", Map.of());
    long[] ids = ROWS.stream().mapToLong(row -> row.getLong(0)).sorted().toArray();
    Minibatches mb = new Minibatches(ids, B, SEED);
    SviState init = svi.init(RngKey.of(SEED), engine.batch(SparkSviTest.rowsOf(mb.batch(0)), N));
    Map<String, Tensor> globalInit = new LinkedHashMap<>(init.optimizer().params());
    globalInit.remove("z_loc");
    globalInit.remove("z_scale");
    OptimizerState global = opt.init(globalInit);
    // the guide's initial values: loc 0, scale 0.1, kept unconstrained (log 0.1)
    Map<Long, Map<String, OptimizerState>> table = new HashMap<>();
    for (long id : ids) {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("z_loc", Tensor.zeros(T));
      p.put("z_scale", Tensor.full(Math.log(0.1), T));
      table.put(id, Map.of("all", opt.init(p)));
    }
    double scale = (double) N / B;
    Svi<SequenceBatch> scaled = Svi.of(SparkTestModels.scaledLocal(MODEL, scale),
        SparkTestModels.scaledLocal(SERIES_GUIDE, scale), opt, new RowKeyedTraceElbo(1, "series"));
    RngKey key = init.key();
    double[] losses = new double[steps];
    for (int s = 0; s < steps; s++) {
      RngKey[] k = key.split();
      key = k[0];
      long[] batchIds = mb.batch(s);
      SequenceBatch batch = engine.batch(SparkSviTest.rowsOf(batchIds), N, T);
      Map<String, Tensor> params = new LinkedHashMap<>(global.params());
      double[] loc = new double[T * B]; // [T, B]
      double[] raw = new double[T * B];
      for (int i = 0; i < B; i++) {
        OptimizerState st = table.get(batchIds[i]).get("all");
        for (int t = 0; t < T; t++) {
          loc[t * B + i] = st.params().get("z_loc").toArray()[t];
          raw[t * B + i] = st.params().get("z_scale").toArray()[t];
        }
      }
      params.put("z_loc", Tensor.of(loc, T, B));
      params.put("z_scale", Tensor.of(raw, T, B));
      Map<String, List<Tensor>> noSlots = new LinkedHashMap<>();
      params.keySet().forEach(n -> noSlots.put(n, List.of()));
      SviState state = new SviState(new OptimizerState(global.step(), params, noSlots), key, s, 0,
          init.constraints());
      Svi.LossAndGrad lg = scaled.lossAndGrad(state, batch, k[1]);
      losses[s] = lg.loss();
      Map<String, Tensor> globalGrads = new LinkedHashMap<>(lg.grads());
      Tensor gLoc = globalGrads.remove("z_loc");
      Tensor gRaw = globalGrads.remove("z_scale");
      for (int i = 0; i < B; i++) {
        OptimizerState st = table.get(batchIds[i]).get("all");
        Map<String, Tensor> g = new LinkedHashMap<>();
        g.put("z_loc", gLoc.select(1, i));
        g.put("z_scale", gRaw.select(1, i));
        // the series' own moments at the optimizer's global step
        OptimizerState atStep = new OptimizerState(global.step(), st.params(), st.slots());
        table.put(batchIds[i], Map.of("all", opt.update(g, atStep)));
      }
      global = opt.update(globalGrads, global);
    }
    Map<String, Tensor> constrained = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : global.params().entrySet()) {
      constrained.put(e.getKey(), dev.ember.dist.transforms.Transforms
          .bijectTo(init.constraints().get(e.getKey())).forward(e.getValue()));
    }
    Map<Long, Map<String, double[]>> series = new TreeMap<>();
    table.forEach((id, m) -> series.put(id, Map.of(
        "z_loc", m.get("all").params().get("z_loc").toArray(),
        "z_scale", m.get("all").params().get("z_scale").exp().toArray())));
    return new Reference(losses, constrained, series);
  }

  static void assertEqualsReference(Reference ref, SparkSviModel r, String what) {
    assertClose(ref.losses(), r.losses(), what + ": losses");
    for (String k : ref.global().keySet()) {
      assertClose(ref.global().get(k).toArray(), r.params().get(k).toArray(), what + ": " + k);
    }
    Map<Long, Map<String, double[]>> mine = perSeries(r);
    assertEquals(ref.series().keySet(), mine.keySet());
    for (long id : ref.series().keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        assertClose(ownSteps(ref.series().get(id).get(name), id), mine.get(id).get(name),
            what + ": " + name + " of series " + id);
      }
    }
  }

  /**
   * Minibatches of 8 of 24 series of lengths 6, 5, 4 with Adam, over 55 steps (past the lineage
   * cut at 50): 1 and 3 partitions equal the reference, also when the cut is a snapshot in a
   * checkpoint directory (which the final checkpoint then replaces); and over the epochs every
   * series was trained and differs from its initial values only where it has data.
   */
  @Test
  void minibatchFitsEqualTheLazyReferenceForAnyPartitioning(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    int steps = SeriesTraining.LINEAGE_STEPS + 5;
    Reference ref = reference(Adam.of(0.05), steps);
    for (int partitions : new int[] {1, 3}) {
      SparkSviModel r = builder(SERIES_GUIDE, Adam.of(0.05), B).build()
          .fit(SparkTestModels.dataset(spark, ROWS, partitions), steps);
      assertEqualsReference(ref, r, partitions + " partitions");
    }
    String ck = dir.resolve("ck").toString();
    SparkSviModel snapshots = builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 1000)
        .build().fit(SparkTestModels.dataset(spark, ROWS, 3), steps);
    assertEqualsReference(ref, snapshots, "lineage cut by a snapshot");
    try (var files = Files.list(dir.resolve("ck"))) {
      // the lineage snapshot of step 50 is gone with the checkpoint of step 55
      assertEquals(List.of("step-000000000055"), files.map(f -> f.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList());
    }
    for (Map.Entry<Long, Map<String, double[]>> e : ref.series().entrySet()) {
      double[] loc = e.getValue().get("z_loc");
      int length = lengthOf(e.getKey());
      for (int t = 0; t < T; t++) {
        assertEquals(t < length, loc[t] != 0.0, "series " + e.getKey() + " step " + t);
      }
    }
  }

  /** ClippedAdam is not elementwise: the executors update series by series, as the reference. */
  @Test
  void aNonElementwiseOptimizerUpdatesSeriesBySeries() {
    Optimizer opt = ClippedAdam.of(0.05);
    assertTrue(!opt.isElementwise());
    Reference ref = reference(opt, 6);
    SparkSviModel r = builder(SERIES_GUIDE, opt, B).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 6);
    assertEqualsReference(ref, r, "ClippedAdam");
  }

  // ------------------------------------------------------------ repeatability, retries, resume

  @Test
  void failedFirstAttemptsChangeNothing() {
    SparkSviModel clean = builder(SERIES_GUIDE, Adam.of(0.05), B).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 3), 5);
    Model<SequenceBatch> flaky = batch -> {
      TaskContext tc = TaskContext.get();
      if (tc != null && tc.attemptNumber() == 0 && tc.partitionId() % 2 == 0) {
        throw new IllegalStateException("injected failure of a first attempt");
      }
      MODEL.run(batch);
    };
    SparkSviModel retried = SparkSvi.builder(flaky, SERIES_GUIDE).optimizer(Adam.of(0.05))
        .batchSize(B).seed(SEED).progress(false).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 3), 5);
    assertArrayEquals(clean.losses(), retried.losses(), 0.0);
    Map<Long, Map<String, double[]>> a = perSeries(clean);
    Map<Long, Map<String, double[]>> b = perSeries(retried);
    for (long id : a.keySet()) {
      assertArrayEquals(a.get(id).get("z_loc"), b.get(id).get("z_loc"), 0.0);
    }
  }

  /**
   * 12 steps straight equal 12 steps that stopped after the checkpoint of step 9 (the one of step
   * 12 removed, and an unfinished write of it, per-series files without a header, left in its
   * place) and were resumed from it, per-series state read back from its Parquet files, bit for
   * bit. Each of the last two checkpoints keeps its per-series folder (before, older per-series
   * folders were deleted, so an older checkpoint could not be resumed).
   */
  @Test
  void resumingRestoresEachSeriesParamsAndMoments(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    SparkSviModel straight = builder(SERIES_GUIDE, Adam.of(0.05), B).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 12);
    String ck = dir.resolve("ck").toString();
    builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 3).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 2), 12);
    try (var files = Files.list(dir.resolve("ck"))) {
      assertEquals(List.of("step-000000000009", "step-000000000012"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    for (String kept : List.of("step-000000000009", "step-000000000012")) {
      assertTrue(Files.isDirectory(dir.resolve("ck").resolve(kept).resolve("series")), kept);
    }
    Path twelve = dir.resolve("ck").resolve("step-000000000012");
    CheckpointFiles.deleteRecursively(twelve);
    Files.createDirectories(twelve.resolve("series"));
    Files.writeString(twelve.resolve("series").resolve("part-00000"), "partial");
    SparkSviModel resumed = builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 3)
        .console(CheckpointFiles.quiet()).build().fit(SparkTestModels.dataset(spark, ROWS, 2), 12);
    assertArrayEquals(straight.losses(), resumed.losses(), 0.0);
    for (String k : straight.params().keySet()) {
      assertArrayEquals(straight.params().get(k).toArray(), resumed.params().get(k).toArray(), 0.0);
    }
    Map<Long, Map<String, double[]>> a = perSeries(straight);
    Map<Long, Map<String, double[]>> b = perSeries(resumed);
    for (long id : a.keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        assertArrayEquals(a.get(id).get(name), b.get(id).get(name), 0.0, name + " of " + id);
      }
    }
    // another guide on the same checkpoint is named before a step runs
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder(SparkTestModels.GUIDE, Adam.of(0.05), B).checkpoint(ck, 3).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 2), 12));
    assertTrue(e.getMessage().contains("[z_loc, z_scale]") && e.getMessage().contains("[]"),
        e.getMessage());
  }

  /**
   * A series' state is made by the first step whose minibatch holds it, not before the fit's
   * first step: a fresh fit runs no job that makes every series' state (a resumed one runs one,
   * which reads the checkpoint's). A fit of 2 steps, of 3 per epoch, equals the reference, in which
   * the 8 series of the third minibatch are still at the guide's initial values (they come out of
   * the fit's result made then). A fit resumed from its checkpoint of step 2, written while the
   * series of the third minibatch were still unset, runs steps 2 and 3 (the second epoch's first)
   * and equals 4 steps straight, bit for bit.
   */
  @Test
  void eachSeriesStateIsMadeWhenItsMinibatchFirstComes(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Reference ref = reference(Adam.of(0.05), 2);
    long untouched = ref.series().values().stream()
        .filter(m -> Arrays.stream(m.get("z_loc")).allMatch(v -> v == 0.0)).count();
    assertEquals(B, untouched, "series of the reference never in a minibatch");
    SparkSviModel[] fits = new SparkSviModel[3];
    assertEquals(0, SparkDataTest.jobsDescribed(spark, "ember per-series state", () -> fits[0] =
        builder(SERIES_GUIDE, Adam.of(0.05), B).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 3), 2)), "jobs of a fresh fit");
    assertEqualsReference(ref, fits[0], "2 steps");

    String ck = dir.resolve("ck").toString();
    builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 2).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 3), 4);
    CheckpointFiles.deleteRecursively(dir.resolve("ck").resolve("step-000000000004"));
    assertEquals(1, SparkDataTest.jobsDescribed(spark, "ember per-series state", () -> fits[1] =
        builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 2)
            .console(CheckpointFiles.quiet()).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 3), 4)), "jobs of a resumed fit");
    assertEquals(2, fits[1].timings().steps(), "steps run after the resume");
    fits[2] = builder(SERIES_GUIDE, Adam.of(0.05), B).build()
        .fit(SparkTestModels.dataset(spark, ROWS, 3), 4);
    assertArrayEquals(fits[2].losses(), fits[1].losses(), 0.0);
    for (String k : fits[2].params().keySet()) {
      assertArrayEquals(fits[2].params().get(k).toArray(), fits[1].params().get(k).toArray(), 0.0);
    }
    Map<Long, Map<String, double[]>> a = perSeries(fits[2]);
    Map<Long, Map<String, double[]>> b = perSeries(fits[1]);
    assertEquals(a.keySet(), b.keySet());
    for (long id : a.keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        assertArrayEquals(a.get(id).get(name), b.get(id).get(name), 0.0, name + " of " + id);
      }
    }

    // the timings of the work on the state: the fresh fit made each group's initial state in
    // epoch 0 and regrouped at steps 0 and 3; the resumed one read every state from the
    // checkpoint, so it made none, and regrouped its restored shards at step 2
    StepTimings fresh = fits[2].timings();
    StepTimings resumed = fits[1].timings();
    assertTrue(fresh.seriesInitialState() > 0 && fresh.seriesRegroup() > 0
        && fresh.seriesUpdate() > 0, fresh.summary());
    assertEquals(0, resumed.seriesInitialState(), resumed.summary());
    assertTrue(resumed.seriesRegroup() > 0 && resumed.seriesUpdate() > 0, resumed.summary());
    for (StepTimings t : List.of(fresh, resumed)) {
      for (int i = 0; i < t.steps(); i++) {
        // measured inside each task's compute, on the same clock
        assertTrue(t.seriesStateNanos()[i] > 0 && t.seriesStateNanos()[i] <= t.computeNanos()[i],
            "step " + i + ": state " + t.seriesStateNanos()[i] + " ns of " + t.computeNanos()[i]);
      }
    }
  }

  /**
   * Data whose partitions hold disjoint id ranges (range-partitioned by id) keep their
   * partitioning: the per-series state is routed to its row by the ranges, with no job that
   * regroups the rows by id. The fit equals one on the same rows spread round-robin (regrouped by
   * a hash of the id) to 1e-10 relative (the same sums in another order), and a fit resumed from
   * its checkpoint of step 6 (that of step 12 removed), its state read back from files and routed
   * by the ranges, equals the uninterrupted one bit for bit.
   */
  @Test
  void dataPartitionedByIdRangeKeepTheirPartitioning(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Dataset<Row> byRange = spark.createDataFrame(ROWS, SparkTestModels.SCHEMA)
        .repartitionByRange(3, org.apache.spark.sql.functions.col("id"));
    SparkDataTest.DescribedJobs regroups = new SparkDataTest.DescribedJobs("ember series by id");
    spark.sparkContext().addSparkListener(regroups);
    SparkSviModel ranged;
    SparkSviModel roundRobin;
    try {
      ranged = builder(SERIES_GUIDE, Adam.of(0.05), B).build().fit(byRange, 12);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(0, regroups.started.get(), "jobs that regroup the rows by id");
      roundRobin = builder(SERIES_GUIDE, Adam.of(0.05), B).build()
          .fit(SparkTestModels.dataset(spark, ROWS, 3), 12);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(1, regroups.started.get(), "jobs that regroup the rows by id");
    } finally {
      spark.sparkContext().removeSparkListener(regroups);
    }
    assertClose(roundRobin.losses(), ranged.losses(), "losses");
    Map<Long, Map<String, double[]>> a = perSeries(roundRobin);
    Map<Long, Map<String, double[]>> b = perSeries(ranged);
    assertEquals(a.keySet(), b.keySet());
    for (long id : a.keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        assertClose(a.get(id).get(name), b.get(id).get(name), name + " of " + id);
      }
    }
    String ck = dir.resolve("ck").toString();
    builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 6).build().fit(byRange, 12);
    CheckpointFiles.deleteRecursively(dir.resolve("ck").resolve("step-000000000012"));
    SparkSviModel resumed = builder(SERIES_GUIDE, Adam.of(0.05), B).checkpoint(ck, 6)
        .console(CheckpointFiles.quiet()).build().fit(byRange, 12);
    assertEquals(6, resumed.timings().steps(), "steps run after the resume");
    assertArrayEquals(ranged.losses(), resumed.losses(), 0.0);
    Map<Long, Map<String, double[]>> c = perSeries(resumed);
    for (long id : b.keySet()) {
      for (String name : List.of("z_loc", "z_scale")) {
        assertArrayEquals(b.get(id).get(name), c.get(id).get(name), 0.0, name + " of " + id);
      }
    }
  }

  // ------------------------------------------------------------ evaluation and prediction

  /**
   * The held-out ELBO of a per-series fit over its own series equals the single-JVM Svi's loss on
   * one batch of all of them (padded as in the fit) at the fit's params and next key: global
   * params from the result, per-series ones from {@code seriesParams()} (log of the scale back to
   * the unconstrained space). A series the fit does not cover is named.
   */
  @Test
  void evaluatingAPerSeriesFitUsesEachSeriesParams() {
    SparkSvi sparkSvi = builder(SERIES_GUIDE, Adam.of(0.05), B).build();
    SparkSviModel r = sparkSvi.fit(SparkTestModels.dataset(spark, ROWS, 3), 10);
    SparkEvaluation.Result ev = r.evaluate(SparkTestModels.dataset(spark, ROWS, 2));

    Svi<SequenceBatch> svi = Svi.of(MODEL, SERIES_GUIDE, Adam.of(0.05),
        new RowKeyedTraceElbo(1, "series")).progress(false);
    long[] ids = ROWS.stream().mapToLong(row -> row.getLong(0)).sorted().toArray();
    SequenceBatch all = new ShardEngine(svi, "series", Map.of()).batch(SparkSviTest.rowsOf(ids), N, T);
    Map<Long, Map<String, double[]>> mine = perSeries(r);
    double[] loc = new double[T * N]; // [T, N]
    double[] raw = new double[T * N];
    for (int i = 0; i < N; i++) {
      for (int t = 0; t < T; t++) {
        // past the series' end the steps are padding, masked: any value in the constraint does
        int own = Math.min(t, lengthOf(ids[i]) - 1);
        loc[t * N + i] = mine.get(ids[i]).get("z_loc")[own];
        raw[t * N + i] = Math.log(mine.get(ids[i]).get("z_scale")[own]);
      }
    }
    Map<String, Tensor> params = new LinkedHashMap<>(r.state().optimizer().params());
    params.put("z_loc", Tensor.of(loc, T, N));
    params.put("z_scale", Tensor.of(raw, T, N));
    Map<String, List<Tensor>> noSlots = new LinkedHashMap<>();
    params.keySet().forEach(n -> noSlots.put(n, List.of()));
    Map<String, dev.ember.dist.constraints.Constraint> constraints =
        new LinkedHashMap<>(r.state().constraints());
    constraints.put("z_loc", dev.ember.dist.constraints.Constraints.real());
    constraints.put("z_scale", dev.ember.dist.constraints.Constraints.positive());
    SviState joint = new SviState(new OptimizerState(r.state().optimizer().step(), params, noSlots),
        r.state().key(), r.state().step(), 0, constraints);
    double want = svi.evaluate(joint, all);
    assertEquals(want, ev.loss(), 1e-10 * Math.abs(want));
    assertEquals(N, ev.series());

    List<Row> stranger = new ArrayList<>(ROWS);
    stranger.add(org.apache.spark.sql.RowFactory.create(5L, List.of(0.1, 0.2)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.evaluate(SparkTestModels.dataset(spark, stranger, 2)));
    assertTrue(e.getMessage().contains("series id 5") && e.getMessage().contains("z_loc"),
        e.getMessage());
  }

  /**
   * transform of a per-series fit summarizes each series' z under its own params: the guide is
   * z ~ N(z_loc, z_scale) per step, so the mean of S draws is within 4 z_scale / sqrt(S) of
   * z_loc at every observed step (the history of a series of length L is its first L steps of
   * the fitted slices); the forecast has the horizon's steps.
   */
  @Test
  void transformOfAPerSeriesFitSummarizesEachSeriesUnderItsOwnParams() {
    SparkSvi sparkSvi = builder(SERIES_GUIDE, Adam.of(0.05), B).build();
    SparkSviModel r = sparkSvi.fit(SparkTestModels.dataset(spark, ROWS, 3), 10);
    int samples = 400;
    List<Row> out = r.transform(SparkTestModels.dataset(spark, ROWS, 2),
        SparkTransform.options().samples(samples).horizon(2).sites("z").forecastSites("y"))
        .collectAsList();
    assertEquals(N, out.size());
    Map<Long, Map<String, double[]>> mine = perSeries(r);
    for (Row row : out) {
      long id = row.getLong(0);
      List<Double> mean = row.getList(row.fieldIndex("z_mean"));
      int length = lengthOf(id);
      assertEquals(length, mean.size(), "series " + id);
      for (int t = 0; t < length; t++) {
        double loc = mine.get(id).get("z_loc")[t];
        double sd = mine.get(id).get("z_scale")[t];
        assertEquals(loc, mean.get(t), 4 * sd / Math.sqrt(samples), "series " + id + " step " + t);
      }
      assertEquals(2, row.getList(row.fieldIndex("y_forecast_mean")).size());
    }
  }

  /**
   * A slice with axes around its time axis ([2, T, 2], time axis 1) is cut to a series' length
   * step by step within each outer block, and extended past it by repeating its last step.
   */
  @Test
  void slicesAreCutAndExtendedAlongTheirTimeAxis() {
    SeriesParams.Local l = new SeriesParams.Local("w", 0, dev.ember.tensor.Shape.of(2, 4, 2), 1,
        dev.ember.dist.constraints.Constraints.real());
    double[] full = new double[16]; // [o][t][i] = 100 o + 10 t + i
    for (int o = 0; o < 2; o++) {
      for (int t = 0; t < 4; t++) {
        for (int i = 0; i < 2; i++) {
          full[(o * 4 + t) * 2 + i] = 100 * o + 10 * t + i;
        }
      }
    }
    double[] cut = SeriesParams.alongTime(full, l, 2);
    assertArrayEquals(new double[] {0, 1, 10, 11, 100, 101, 110, 111}, cut, 0.0);
    assertArrayEquals(new double[] {0, 1, 10, 11, 10, 11, 100, 101, 110, 111, 110, 111},
        SeriesParams.alongTime(cut, l, 3), 0.0);
    assertArrayEquals(full, SeriesParams.alongTime(full, l, 4), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SeriesParams.alongTime(new double[7], l, 4));
    assertTrue(e.getMessage().startsWith("per-series param 'w': 7 values are no whole number of "
        + "steps of 4"), e.getMessage());
  }

  /**
   * A batch value gathered from the series' slices, and scattered back, element by element as
   * defined (value[o, i, k] = series i's slice at o * inner + k), for 21 series: blocks of the
   * transposing copy and a partial block, the series axis last ([5, B]) and inside ([5, B, 3]).
   */
  @Test
  void gatherAndScatterMoveEveryElementAcrossBlocksOfSeries() {
    int b = 21;
    for (int inner : new int[] {1, 3}) {
      dev.ember.tensor.Shape slice = inner == 1 ? dev.ember.tensor.Shape.of(5)
          : dev.ember.tensor.Shape.of(5, inner);
      SeriesParams.Local l = new SeriesParams.Local("w", 1, slice, 0,
          dev.ember.dist.constraints.Constraints.real());
      SeriesParams layout = SeriesParams.of(List.of(l), 5);
      int width = 5 * inner;
      int stride = width + 2; // two other values per series around the slice
      int offset = 1;
      List<double[]> slices = new ArrayList<>();
      double[] flat = new double[b * stride];
      for (int i = 0; i < b; i++) {
        double[] sl = new double[width];
        for (int e = 0; e < width; e++) {
          sl[e] = 1000 * i + e;
          flat[i * stride + offset + e] = sl[e];
        }
        slices.add(sl);
      }
      Tensor fromList = layout.gather(0, slices);
      Tensor fromFlat = layout.gather(0, flat, stride, offset, b);
      double[] want = new double[5 * b * inner];
      for (int o = 0; o < 5; o++) {
        for (int i = 0; i < b; i++) {
          for (int k = 0; k < inner; k++) {
            want[(o * b + i) * inner + k] = 1000 * i + o * inner + k;
          }
        }
      }
      assertArrayEquals(want, fromList.toArray(), 0.0);
      assertArrayEquals(want, fromFlat.toArray(), 0.0);
      double[] back = new double[b * stride];
      layout.scatter(0, fromFlat, back, stride, offset);
      for (int i = 0; i < b; i++) {
        for (int e = 0; e < stride; e++) {
          boolean inSlice = e >= offset && e < offset + width;
          assertEquals(inSlice ? flat[i * stride + e] : 0.0, back[i * stride + e], 0.0);
        }
      }
    }
  }

  // ------------------------------------------------------------ what is refused, and why

  @Test
  void paramsThatDependOnTheBatchInOtherWaysAreNamed() {
    Model<SequenceBatch> twoAxes = batch -> {
      SERIES_GUIDE.run(batch);
      dev.ember.primitives.Primitives.param("w", Tensor.zeros(batch.size(), batch.size()));
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder(twoAxes, Adam.of(0.05), B).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 2), 1));
    assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("one axis"),
        e.getMessage());
    Model<SequenceBatch> neighbours = batch -> {
      SERIES_GUIDE.run(batch);
      // each series' initial value is the batch's mean: it depends on the other series
      dev.ember.primitives.Primitives.param("v",
          Tensor.full(batch.values().sum().item() / batch.size(), batch.size()));
    };
    e = assertThrows(IllegalArgumentException.class,
        () -> builder(neighbours, Adam.of(0.05), B).build()
            .fit(SparkTestModels.dataset(spark, ROWS, 2), 1));
    assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains("own data"),
        e.getMessage());
  }
}
