// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.Svi;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.Optimizer;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-parallel SVI over a {@code Dataset} of sequences: each step, the executors run model and
 * guide on their rows of the minibatch and return the local loss and gradient; the driver adds
 * the global terms, scales the local ones by N / B, and steps the optimizer.
 *
 * <pre>{@code
 * SparkSviModel fit = SparkSvi.builder(model, guide)
 *     .optimizer(Adam.of(0.01))
 *     .batchSize(1024)
 *     .seed(42)
 *     .annealing(AnnealingSchedule.parse("linear:0.1->1.0@2000"), "z")
 *     .checkpoint("hdfs:///tmp/ember/run1", 100)
 *     .build()
 *     .fit(sequences, 2000);                 // columns: id (long), values (array<double>)
 * fit.params();                              // constrained params
 * fit.losses();                              // one loss per step
 * fit.transform(sequences, SparkTransform.options().horizon(12));
 * }</pre>
 *
 * <p>The model and guide are the same {@link Model}s as for the single-JVM {@link Svi}, called
 * with a {@link SequenceBatch}; they must open a plate named {@code "series"} (or {@link
 * Builder#seriesPlate}) of the batch's size around every per-series site. How one step runs:
 *
 * <ol>
 *   <li>Before the first step, one pass over the data validates, caches and summarizes the rows
 *       where they are ({@link DataPreparation}); the driver gets counts, never the ids.
 *   <li>The minibatch of step s is minibatch {@code s mod K} of epoch {@code s / K}, a run of B
 *       rows in the epoch's order of keyed hashes of (seed, epoch, row id), never a function of
 *       the partitioning; each partition indexes its rows by minibatch once per epoch ({@link
 *       MinibatchIndex}), so a step's task touches its O(B / P) rows only. The step's input is
 *       the global params, the step key and the step ({@link StepInput}), not the optimizer's
 *       moments.
 *   <li>Each partition pads its rows of the minibatch into a {@link SequenceBatch} and runs the
 *       {@link ShardEngine}: sites in the series plate draw with their row's key ({@link
 *       RowKeyedTraceElbo}), global sites with the step key, so every partition draws the same
 *       global values; each partition's term {@code (N / B) sum(local) + (rows / B) global} and
 *       its gradient come from one backward pass.
 *   <li>The parts are merged ({@code treeAggregate}, summed in partition order, so the result
 *       does not depend on task scheduling) into {@code global + (N / B) sum(local)} and its
 *       gradient, and the driver steps the optimizer ({@link StepLoop}).
 * </ol>
 *
 * <p><b>Per-series params.</b> A guide param whose shape grows by one along one axis per series
 * in the batch (a mean-field {@code z_loc} of shape {@code [T, B]}, an {@code AutoNormal} over
 * the series plate) is a per-series param ({@link SeriesParams}): each series' slice and its
 * optimizer moments stay on the executor that holds the series ({@link SeriesShard}), are updated
 * there when it is in the minibatch, and are written with checkpoints; the driver and the
 * steps carry the global params only. {@link SparkSviModel#seriesParams()} returns them as a
 * {@code Dataset}, and {@link SparkSviModel#evaluate} and {@link SparkSviModel#transform} join
 * each series of their data to its own params (a series the fit does not cover is an error naming
 * it). Batches are then padded to the data's longest series, so that the slices keep one shape.
 *
 * <p>The data are validated before the first step: a null, empty, NaN or infinite sequence, a
 * null or duplicate id, or a column of the wrong type is an error naming the id, the column and
 * the problem ({@link Builder#skipInvalidRows} skips and counts such rows instead).
 *
 * <p>A step whose loss or gradient is not finite stops the fit with an error that names the
 * series and sites whose terms are not finite, found by the executors ({@link NonFiniteTerms}).
 * Data far from a model's unit scale get a warning naming their mean and sd ({@link
 * ValueStats#scaleWarning}).
 *
 * <p>The fitted {@link SparkSviModel} evaluates and predicts over a {@code Dataset}, validated
 * alike and computed where the data are, each row with its own row key (so nothing depends on the
 * partitioning): {@link SparkSviModel#evaluate} gives the held-out ELBO (all rows, no N / B
 * scaling), split into likelihood and KL ({@link SparkEvaluation}); {@link
 * SparkSviModel#evaluateRows} the same per row; and {@link SparkSviModel#transform} one row per
 * sequence with posterior summaries of its local latents and an h-step forecast ({@link
 * SparkTransform}). A forecast runs the fitted model unchanged on the
 * batch extended by the horizon ({@link SequenceBatch#withHorizon}: steps not observed, hence
 * not scored), the guide on the observed steps only ({@link SequenceBatch#history()}), so the
 * model's transition draws the latent steps past the data and {@link SequenceForecast} draws
 * the observations there.
 */
public final class SparkSvi {
  private final FitSettings settings;

  private SparkSvi(FitSettings settings) {
    this.settings = settings;
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
    private int progressEvery = 0;
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

    /**
     * Progress as lines on the {@link #console}, one at the first step run (the set-up is done),
     * every {@code everySteps} steps and at the last: the step, its loss, the smoothed loss, rows
     * per second, the time so far and the time left. For logs and consoles that are not a
     * terminal, where the bar does not draw; lines replace the bar. 0 (the default): none.
     *
     * @throws IllegalArgumentException if {@code everySteps} is negative
     */
    public Builder progressLines(int everySteps) {
      if (everySteps < 0) {
        throw new IllegalArgumentException("progressLines: every " + everySteps + " steps; give "
            + "a positive number of steps between lines, or 0 for none");
      }
      this.progressEvery = everySteps;
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
      DatasetReader.Columns cols = new DatasetReader.Columns();
      cols.id = columns.id;
      cols.values = columns.values;
      cols.covariates.putAll(columns.covariates);
      return new SparkSvi(new FitSettings(model, guide, optimizer, batchSize, batchFraction, seed,
          particles, annealing, annealedSites.clone(), aggregationDepth, checkpointDir,
          checkpointInterval, staleLockAfter, takeOverStaleLock, modelSpec, console, progress,
          progressEvery, skipInvalidRows, seriesPlate, cols));
    }
  }

  /**
   * Fits for {@code steps} steps in all (resuming from the latest checkpoint if there is one):
   * the fitted model.
   */
  public SparkSviModel fit(Dataset<Row> data, int steps) {
    return StepLoop.run(settings, data, steps);
  }

  /**
   * A model of this configuration with the given constrained global params and no fit behind it
   * (no losses, state or per-series params): to evaluate or predict with params fitted elsewhere.
   * Its draws need an explicit key ({@link SparkTransform.Options#key}, {@link
   * SparkSviModel#evaluate(Dataset, RngKey)}).
   */
  public SparkSviModel model(Map<String, Tensor> params) {
    return model(params, null);
  }

  /** {@link #model(Map)} whose draws default to {@code key}. */
  public SparkSviModel model(Map<String, Tensor> params, RngKey key) {
    return new SparkSviModel(settings.setup(), new FittedParams(Map.copyOf(params),
        SeriesParams.none(), Optional.empty(), key), new double[0], null, null,
        settings.batchSize(), StepTimings.zero(), SetupTimings.zero());
  }
}
