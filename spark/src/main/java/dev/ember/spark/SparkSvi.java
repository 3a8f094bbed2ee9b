// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.ProgressBar;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.CustomSpec;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel SVI over a {@code Dataset} of sequences: each step, the executors run model and
 * guide on their rows of the minibatch and return the local loss and gradient; the driver adds
 * the global terms, scales the local ones by N / B, and steps the optimizer.
 *
 * <pre>{@code
 * SparkSvi.Result fit = SparkSvi.builder(model, guide)
 *     .optimizer(Adam.of(0.01))
 *     .batchSize(1024)
 *     .seed(42)
 *     .annealing(AnnealingSchedule.parse("linear:0.1->1.0@2000"), "z")
 *     .checkpoint("hdfs:///tmp/ember/run1", 100)
 *     .build()
 *     .fit(sequences, 2000);                 // columns: id (long), values (array<double>)
 * fit.params();                              // constrained params
 * fit.losses();                              // one loss per step
 * }</pre>
 *
 * <p>The model and guide are the same {@link Model}s as for the single-JVM {@link Svi}, called
 * with a {@link SequenceBatch}; they must open a plate named {@code "series"} (or {@link
 * Builder#seriesPlate}) of the batch's size around every per-series site. How one step runs:
 *
 * <ol>
 *   <li>The minibatch of step s is chosen from (seed, epoch, row id) only ({@link Minibatches}),
 *       never from the partitioning. Its ids, the state (params, optimizer state) and the step
 *       key are broadcast.
 *   <li>Each partition pads its rows of the minibatch into a {@link SequenceBatch} and runs the
 *       {@link ShardEngine}: sites in the series plate draw with their row's key ({@link
 *       RowKeyedTraceElbo}), global sites with the step key, so every partition draws the same
 *       global values; local terms are summed unscaled, global ones kept once.
 *   <li>The parts are merged ({@code treeAggregate}, summed in partition order, so the result
 *       does not depend on task scheduling); the driver forms {@code global + (N / B) sum(local)}
 *       for loss and gradient and steps the optimizer. Broadcasts are destroyed in {@code
 *       finally}.
 * </ol>
 *
 * <p><b>Per-series params.</b> A guide param whose shape grows by one along one axis per series
 * in the batch (a mean-field {@code z_loc} of shape {@code [T, B]}, an {@code AutoNormal} over
 * the series plate) is a per-series param ({@link SeriesParams}): each series' slice and its
 * optimizer moments stay on the executor that holds the series ({@link SeriesShard}), are updated
 * there when it is in the minibatch, and are written with checkpoints; the driver and the
 * broadcasts carry the global params only. {@link Result#seriesParams()} returns them as a
 * {@code Dataset}, and {@link #evaluate} and {@link #transform} join each series of their data to
 * its own params (a series the fit does not cover is an error naming it). Batches are then padded
 * to the data's longest series, so that the slices keep one shape.
 *
 * <p>The data are validated before the first step: a null, empty, NaN or infinite sequence, a
 * null or duplicate id, or a column of the wrong type is an error naming the id, the column and
 * the problem ({@link Builder#skipInvalidRows} skips and counts such rows instead).
 *
 * <p>After a fit, the same configuration evaluates and predicts over a {@code Dataset}, validated
 * alike and computed where the data are, each row with its own row key (so nothing depends on the
 * partitioning): {@link #evaluate} gives the held-out ELBO (all rows, no N / B scaling), split
 * into likelihood and KL ({@link SparkEvaluation}); {@link #evaluateRows} the same per row; and
 * {@link #transform} one row per sequence with posterior summaries of its local latents and an
 * h-step forecast ({@link SparkTransform}). A forecast runs the fitted model unchanged on the
 * batch extended by the horizon ({@link SequenceBatch#withHorizon}: steps not observed, hence
 * not scored), the guide on the observed steps only ({@link SequenceBatch#history()}), so the
 * model's transition draws the latent steps past the data and {@link SequenceForecast} draws
 * the observations there.
 */
public final class SparkSvi {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSvi.class);

  private final Builder b;

  private SparkSvi(Builder b) {
    this.b = b;
  }

  /** A builder for SVI of {@code model} with {@code guide}. */
  public static Builder builder(Model<SequenceBatch> model, Model<SequenceBatch> guide) {
    return new Builder(model, guide);
  }

  /** Options of a fit; every one has a default. */
  public static final class Builder {
    private final Model<SequenceBatch> model;
    private final Model<SequenceBatch> guide;
    private Optimizer optimizer = Adam.of(0.01);
    private int batchSize = -1;
    private double batchFraction = 0.01;
    private long seed = 0;
    private int particles = 1;
    private AnnealingSchedule annealing;
    private String[] annealedSites = new String[0];
    private int aggregationDepth = 0;
    private String checkpointDir;
    private int checkpointInterval = 0;
    private java.time.Duration staleLockAfter = CheckpointLock.DEFAULT_STALE_AFTER;
    private boolean takeOverStaleLock = false;
    private String modelSpec;
    private java.io.PrintStream console = System.err;
    private boolean progress = true;
    private boolean skipInvalidRows = false;
    private String seriesPlate = "series";
    private final DatasetReader.Columns columns = new DatasetReader.Columns();

    private Builder(Model<SequenceBatch> model, Model<SequenceBatch> guide) {
      this.model = java.util.Objects.requireNonNull(model, "model");
      this.guide = java.util.Objects.requireNonNull(guide, "guide");
    }

    /** The optimizer (default Adam(0.01)). */
    public Builder optimizer(Optimizer o) {
      this.optimizer = java.util.Objects.requireNonNull(o, "optimizer");
      return this;
    }

    /** Series per minibatch (default: 1% of the data, at least 1). */
    public Builder batchSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + size);
      }
      this.batchSize = size;
      return this;
    }

    /** The fraction of the series per minibatch, in (0, 1]. */
    public Builder batchFraction(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("batchFraction must be in (0, 1], got " + fraction);
      }
      this.batchFraction = fraction;
      this.batchSize = -1;
      return this;
    }

    /** The seed of all randomness: minibatches, draws, initial values (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Particles of the Trace ELBO (default 1). */
    public Builder particles(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("particles must be >= 1, got " + n);
      }
      this.particles = n;
      return this;
    }

    /** KL annealing of the latent sites {@code sites} by {@code schedule.beta(step)}. */
    public Builder annealing(AnnealingSchedule schedule, String... sites) {
      this.annealing = java.util.Objects.requireNonNull(schedule, "schedule");
      this.annealedSites = sites.clone();
      return this;
    }

    /** The depth of {@code treeAggregate} (default 0: 1 up to 64 partitions, else 2). */
    public Builder aggregationDepth(int depth) {
      if (depth < 0) {
        throw new IllegalArgumentException("aggregationDepth must be >= 0, got " + depth);
      }
      this.aggregationDepth = depth;
      return this;
    }

    /**
     * Checkpoint every {@code interval} steps (and at the end) into {@code dir}, any Hadoop path,
     * and resume from its newest whole checkpoint if this run wrote it: the same data and
     * configuration ({@link RunDefinition}; any difference is refused, naming it). The folder is
     * locked while the fit runs, and its last two checkpoints are kept ({@link CheckpointStore},
     * in {@link CheckpointFormat}).
     */
    public Builder checkpoint(String dir, int interval) {
      if (interval < 1) {
        throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + interval);
      }
      this.checkpointDir = java.util.Objects.requireNonNull(dir, "dir");
      this.checkpointInterval = interval;
      return this;
    }

    /**
     * How old the heartbeat of a checkpoint folder's lock must be for it to count as left by a
     * dead run (default 2 minutes; {@link CheckpointLock}).
     */
    public Builder staleLockAfter(java.time.Duration age) {
      if (java.util.Objects.requireNonNull(age, "age").toMillis() < 1000) {
        throw new IllegalArgumentException("staleLockAfter must be at least 1 s, got " + age);
      }
      this.staleLockAfter = age;
      return this;
    }

    /**
     * Whether to take over a checkpoint folder's stale lock, left by a run that died (default
     * false: such a lock is an error saying so); a live run's lock is never taken over.
     */
    public Builder takeOverStaleLock(boolean on) {
      this.takeOverStaleLock = on;
      return this;
    }

    /**
     * The model and guide as checkpoints record them, so that a checkpoint resumes only a fit of
     * the same model and guide: a name the caller keeps stable and changes with the model, such
     * as a command line's {@code --model ar1}. By default the model's and guide's class names
     * ({@link dev.ember.infer.optim.CustomSpec#className}: for lambdas, the class they are
     * written in), which tell two lambdas of one class apart only by their params' names and
     * shapes, which a resume also checks.
     */
    public Builder modelSpec(String spec) {
      this.modelSpec = java.util.Objects.requireNonNull(spec, "spec");
      return this;
    }

    /**
     * Where the fit's notices go: resuming from a checkpoint, and a damaged checkpoint skipped
     * (default standard error).
     */
    public Builder console(java.io.PrintStream out) {
      this.console = java.util.Objects.requireNonNull(out, "out");
      return this;
    }

    /** The console progress bar (default on; drawn only on a terminal). */
    public Builder progress(boolean on) {
      this.progress = on;
      return this;
    }

    /** Skip and count invalid rows instead of failing (default false). */
    public Builder skipInvalidRows(boolean on) {
      this.skipInvalidRows = on;
      return this;
    }

    /** The name of the plate over series in model and guide (default "series"). */
    public Builder seriesPlate(String name) {
      this.seriesPlate = java.util.Objects.requireNonNull(name, "name");
      return this;
    }

    /** The id column (default "id"; long or int). */
    public Builder idColumn(String name) {
      columns.id = name;
      return this;
    }

    /** The values column (default "values"; array of double). */
    public Builder valuesColumn(String name) {
      columns.values = name;
      return this;
    }

    /** A per-step covariate column (array of double, as long as the values), a [T, B] tensor. */
    public Builder perStepCovariate(String name) {
      columns.covariates.put(name, ShardEngine.CovariateKind.PER_STEP);
      return this;
    }

    /** A per-series covariate column (array of double of a fixed length K), a [B, K] tensor. */
    public Builder perSeriesCovariate(String name) {
      columns.covariates.put(name, ShardEngine.CovariateKind.PER_SERIES);
      return this;
    }

    /** The configured fit. */
    public SparkSvi build() {
      return new SparkSvi(this);
    }
  }

  /**
   * A finished fit.
   *
   * @param params the constrained params
   * @param losses the loss of every step (of this run and any it resumed)
   * @param state the final state
   * @param series N, the valid series trained on
   * @param skippedRows invalid rows skipped ({@link Builder#skipInvalidRows})
   * @param batchSize B
   * @param timings where this run's step time went
   * @param seriesParams the per-series params, if the guide has any ({@link SeriesParams}): one
   *     row per series, its id and, per param, its constrained slice flattened in row-major order
   *     (a {@code [T, B]} param gives each series its own length's values: the padding past a
   *     series' end is cut); computed from the executors' cached state, never collected by the fit
   * @param seriesLayout which params are per-series and how a batch's value is cut into series
   *     ({@link SeriesParams#none()} without per-series params)
   */
  public record Result(Map<String, Tensor> params, double[] losses, SviState state, long series,
      long skippedRows, int batchSize, StepTimings timings, Optional<Dataset<Row>> seriesParams,
      SeriesParams seriesLayout) {

    /** A result without per-series params. */
    public Result(Map<String, Tensor> params, double[] losses, SviState state, long series,
        long skippedRows, int batchSize, StepTimings timings) {
      this(params, losses, state, series, skippedRows, batchSize, timings, Optional.empty(),
          SeriesParams.none());
    }
  }

  /** Fits for {@code steps} steps in all (resuming from the latest checkpoint if there is one). */
  public Result fit(Dataset<Row> data, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("fit: steps must be >= 0, got " + steps);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    // the folder's lock first: a second run on it is refused before any work
    try (CheckpointStore store = b.checkpointDir == null ? null : CheckpointStore.open(
        b.checkpointDir, data.sparkSession(), b.staleLockAfter, b.takeOverStaleLock, b.console)) {
      return fit(data, steps, jsc, store);
    }
  }

  private Result fit(Dataset<Row> data, int steps, JavaSparkContext jsc, CheckpointStore store) {
    DatasetReader.Read read = DatasetReader.read(data, b.columns, b.skipInvalidRows);
    JavaRDD<SequenceRow> rows = read.rows().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long n = read.ids().length;
      int batch = b.batchSize > 0 ? b.batchSize : (int) Math.max(1, Math.round(b.batchFraction * n));
      if (batch > n) {
        throw new IllegalArgumentException(
            "fit: batch size " + batch + " is larger than the " + n + " valid series");
      }
      Minibatches minibatches = new Minibatches(read.ids(), batch, b.seed);
      Svi<SequenceBatch> svi = svi();
      ShardEngine engine = new ShardEngine(svi, b.seriesPlate, b.columns.covariates);
      RngKey root = RngKey.of(b.seed);
      List<SequenceRow> first = firstMinibatch(rows, minibatches);
      SviState full = svi.init(root, engine.batch(first, n));
      SeriesParams local = seriesParams(svi, engine, rows, first, n, root, full);
      SviState state = local.globalPart(full, svi.optimizer());
      List<Double> losses = new ArrayList<>();
      RunDefinition run = store == null ? null : runDefinition(rows, batch, steps);
      Checkpoint resumed = store == null ? null : store.resume(run, state, local);
      if (resumed != null) {
        state = resumed.state();
        for (double l : resumed.losses()) {
          losses.add(l);
        }
      }
      Broadcast<ShardEngine> engineBc = jsc.broadcast(engine);
      SeriesTraining series = null;
      if (!local.isEmpty()) {
        LOG.info("ember: per-series params {} are kept with the data, on the executors",
            local.names());
        series = resumed != null
            ? SeriesTraining.resume(data.sparkSession(), b.checkpointDir,
                store.seriesFolder(state.step()), rows, engineBc, local)
            : SeriesTraining.start(data.sparkSession(), b.checkpointDir, rows, engineBc, local,
                root, n);
      }
      boolean finished = false;
      JavaRDD<Row> perSeriesRows = null;
      ProgressBar bar = b.progress ? ProgressBar.console(steps, "rows") : ProgressBar.off();
      int partitions = rows.getNumPartitions();
      int depth = b.aggregationDepth > 0 ? b.aggregationDepth : (partitions > 64 ? 2 : 1);
      int gradSize = gradientSize(state);
      LongAccumulator compute = jsc.sc().longAccumulator("ember executor compute ns");
      StepTimings timings = StepTimings.zero();
      try {
        for (long s = state.step(); s < steps; s++) {
          long t0 = System.nanoTime();
          long[] ids = minibatches.batch(s);
          RngKey[] k = state.key().split();
          StepInput in = new StepInput(state, k[1], ids, n);
          long t1 = System.nanoTime();
          Broadcast<StepInput> inBc = jsc.broadcast(in);
          long t2 = System.nanoTime();
          long computeBefore = compute.value();
          ShardResult result;
          jsc.setJobDescription("ember step " + (s + 1) + "/" + steps);
          boolean checkpointDue = b.checkpointDir != null
              && ((s + 1) % b.checkpointInterval == 0 || s + 1 == steps);
          if (series != null) {
            // keeps inBc while the lineage needs it
            result = series.step(inBc, depth, compute, checkpointDue);
          } else {
            try {
              result = aggregate(rows, engineBc, inBc, depth, compute);
            } finally {
              inBc.destroy();
            }
          }
          long t3 = System.nanoTime();
          ShardEngine.Combined c = ShardEngine.combine(result, n, gradSize);
          state = step(svi, state, k[0], c);
          losses.add(c.loss());
          bar.update(s + 1, c.loss(), c.rows());
          long t4 = System.nanoTime();
          if (checkpointDue) {
            jsc.setJobDescription("ember checkpoint at step " + (s + 1));
            checkpoint(store, series, new Checkpoint(run, state, toArray(losses), local, null));
          }
          timings = timings.plus(t1 - t0, t2 - t1, t3 - t2, compute.value() - computeBefore,
              t4 - t3, System.nanoTime() - t4);
          if ((s + 1) % 100 == 0 || s + 1 == steps) {
            LOG.info("ember step {}/{}: loss {}", s + 1, steps, c.loss());
          }
        }
        if (series != null) {
          perSeriesRows = series.finish();
        }
        finished = true;
      } finally {
        if (series != null && !finished) {
          series.discard();
        }
        engineBc.destroy();
        bar.finish();
      }
      Optional<Dataset<Row>> perSeries = series == null ? Optional.empty()
          : Optional.of(seriesParamsFrame(data.sparkSession(), perSeriesRows, local));
      return new Result(svi.getParams(state), toArray(losses), state, n, read.skipped(), batch,
          timings, perSeries, local);
    } finally {
      rows.unpersist(false);
    }
  }

  /**
   * What defines this fit, for its checkpoints: the data's fingerprint, computed here in one pass
   * over the validated rows on the executors, and the configuration.
   */
  private RunDefinition runDefinition(JavaRDD<SequenceRow> rows, int batch, long steps) {
    DataFingerprint data = rows.aggregate(DataFingerprint.empty(), DataFingerprint::add,
        DataFingerprint::merge);
    String model = b.modelSpec != null ? b.modelSpec
        : "model " + CustomSpec.className(b.model.getClass()) + ", guide "
            + CustomSpec.className(b.guide.getClass());
    String annealing = b.annealing == null ? "none"
        : b.annealing.spec() + " on " + Arrays.toString(b.annealedSites);
    return new RunDefinition(data, model, b.optimizer.spec(), annealing, batch, b.seed,
        b.particles, steps);
  }

  /**
   * Writes the checkpoint {@code c}: the per-series state first (by the executors, into the
   * checkpoint's folder), then the header, which commits it.
   */
  private static void checkpoint(CheckpointStore store, SeriesTraining series, Checkpoint c) {
    String seriesFolder = store.prepare(c.state().step());
    SeriesStateFiles.Summary written = series == null ? null : series.checkpoint(seriesFolder);
    store.commit(new Checkpoint(c.run(), c.state(), c.losses(), c.series(), written));
    if (series != null) {
      series.committed();
    }
  }

  /**
   * The held-out ELBO of {@code data} at {@code fit}'s params with the key of the fit's next step
   * ({@link SparkEvaluation}).
   */
  public SparkEvaluation.Result evaluate(Dataset<Row> data, Result fit) {
    return SparkEvaluation.evaluate(setup(), data, fit, SparkEvaluation.defaultKey(fit));
  }

  /** The held-out ELBO of {@code data} at {@code fit}'s params with {@code key}. */
  public SparkEvaluation.Result evaluate(Dataset<Row> data, Result fit, RngKey key) {
    return SparkEvaluation.evaluate(setup(), data, fit, key);
  }

  /**
   * The local terms of {@link #evaluate} per row (columns id, loss, log_likelihood, kl; the
   * global terms are in no row), computed lazily.
   */
  public Dataset<Row> evaluateRows(Dataset<Row> data, Result fit) {
    return SparkEvaluation.rows(setup(), data, fit, SparkEvaluation.defaultKey(fit));
  }

  /** {@link #evaluateRows(Dataset, Result)} with {@code key}. */
  public Dataset<Row> evaluateRows(Dataset<Row> data, Result fit, RngKey key) {
    return SparkEvaluation.rows(setup(), data, fit, key);
  }

  /**
   * One row per sequence of {@code data}: posterior summaries of its local latents and a
   * forecast, as {@code options} say ({@link SparkTransform}), computed lazily.
   */
  public Dataset<Row> transform(Dataset<Row> data, Result fit, SparkTransform.Options options) {
    return SparkTransform.transform(setup(), data, fit, options);
  }

  /** What evaluation and prediction take from this configuration. */
  ModelSetup setup() {
    return new ModelSetup(new ShardEngine(svi(), b.seriesPlate, b.columns.covariates),
        b.seriesPlate, b.columns, b.particles, b.skipInvalidRows);
  }

  /**
   * One step's distributed computation: each partition's rows of the minibatch through the
   * engine, the parts merged by {@code treeAggregate}.
   */
  static ShardResult aggregate(JavaRDD<SequenceRow> rows, Broadcast<ShardEngine> engine,
      Broadcast<StepInput> input, int depth) {
    return aggregate(rows, engine, input, depth, null);
  }

  /** As above, adding the executors' time in the engine to {@code compute} (if not null). */
  static ShardResult aggregate(JavaRDD<SequenceRow> rows, Broadcast<ShardEngine> engine,
      Broadcast<StepInput> input, int depth, LongAccumulator compute) {
    return rows.mapPartitionsWithIndex((idx, it) -> {
      long start = System.nanoTime();
      StepInput si = input.value();
      List<SequenceRow> mine = new ArrayList<>();
      while (it.hasNext()) {
        SequenceRow r = it.next();
        if (Arrays.binarySearch(si.ids(), r.id()) >= 0) {
          mine.add(r);
        }
      }
      ShardResult.Part p = engine.value().compute(idx, mine, si.state(), si.key(), si.totalSeries());
      if (compute != null) {
        compute.add(System.nanoTime() - start);
      }
      return p == null ? Collections.<ShardResult.Part>emptyIterator() : List.of(p).iterator();
    }, false).treeAggregate(ShardResult.empty(), ShardResult::add, ShardResult::merge, depth);
  }

  /** What one step broadcasts. */
  record StepInput(SviState state, RngKey key, long[] ids, long totalSeries)
      implements java.io.Serializable {}

  /** The single-JVM SVI that the engine splits: the same model, guide, optimizer and annealing. */
  Svi<SequenceBatch> svi() {
    Svi<SequenceBatch> svi = Svi.of(b.model, b.guide, b.optimizer,
        new RowKeyedTraceElbo(b.particles, b.seriesPlate)).progress(false);
    return b.annealing == null ? svi : svi.annealing(b.annealing, b.annealedSites);
  }

  /**
   * The per-series params of the guide ({@link SeriesParams#detect}): none unless some param's
   * shape changes between the first minibatch and its first row; then the guide is initialised
   * on one row and on two, both padded to the longest series of the data, which every batch is
   * padded to from then on.
   */
  private static SeriesParams seriesParams(Svi<SequenceBatch> svi, ShardEngine engine,
      JavaRDD<SequenceRow> rows, List<SequenceRow> first, long n, RngKey root, SviState full) {
    if (n < 2) {
      return SeriesParams.none(); // one series: its params are the fit's params
    }
    if (first.size() > 1) {
      SviState one = svi.init(root, engine.batch(first.subList(0, 1), n));
      boolean same = true;
      for (Map.Entry<String, Tensor> e : full.optimizer().params().entrySet()) {
        same &= one.optimizer().params().get(e.getKey()).shape().equals(e.getValue().shape());
      }
      if (same) {
        return SeriesParams.none();
      }
    }
    long[] two = rows.map(SequenceRow::id).takeOrdered(2).stream().mapToLong(Long::longValue).toArray();
    List<SequenceRow> pair = rows.filter(r -> r.id() == two[0] || r.id() == two[1]).collect();
    int steps = rows.map(r -> r.values().length).reduce(Math::max);
    SequenceRow firstRow = pair.get(0).id() == two[0] ? pair.get(0) : pair.get(1);
    SviState alone = svi.init(root, engine.batch(List.of(firstRow), n, steps));
    SviState both = svi.init(root, engine.batch(pair, n, steps));
    SviState longer = svi.init(root, engine.batch(List.of(firstRow), n, steps + 1));
    return SeriesParams.detect(alone, both, longer, 0, steps);
  }

  /** The rows of the first step's minibatch, on the driver: what params are initialised on. */
  private static List<SequenceRow> firstMinibatch(JavaRDD<SequenceRow> rows,
      Minibatches minibatches) {
    long[] ids = minibatches.batch(0);
    return rows.filter(r -> Arrays.binarySearch(ids, r.id()) >= 0).collect();
  }

  /** The per-series params as a DataFrame: id and one array column per param. */
  private static Dataset<Row> seriesParamsFrame(org.apache.spark.sql.SparkSession spark,
      JavaRDD<Row> rows, SeriesParams local) {
    StructType schema = new StructType().add("id", DataTypes.LongType, false);
    for (String name : local.names()) {
      schema = schema.add(name, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The optimizer step on the combined gradient (stable updates as in {@link Svi}). */
  private SviState step(Svi<SequenceBatch> svi, SviState state, RngKey next, ShardEngine.Combined c) {
    boolean finite = Double.isFinite(c.loss());
    for (double g : c.gradient()) {
      finite &= Double.isFinite(g);
    }
    if (!finite) {
      throw new ArithmeticException("SparkSvi step " + state.step() + ": the loss (" + c.loss()
          + ") or its gradient is not finite; run the model on one machine with Svi to find the "
          + "site");
    }
    Map<String, Tensor> grads = ShardEngine.unflatten(c.gradient(), state);
    OptimizerState o = svi.optimizer().update(grads, state.optimizer());
    return new SviState(o, next, state.step() + 1, state.skippedSteps(), state.constraints());
  }

  private static int gradientSize(SviState s) {
    int n = 0;
    for (Tensor p : s.optimizer().params().values()) {
      n += p.shape().numel();
    }
    return n;
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
