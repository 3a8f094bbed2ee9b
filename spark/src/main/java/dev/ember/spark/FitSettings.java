// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.ProgressBar;
import dev.ember.infer.Svi;
import dev.ember.infer.optim.CustomSpec;
import dev.ember.infer.optim.Optimizer;

/**
 * The options of a {@link SparkSvi} fit, fixed when it is built: what the step loop, the set-up
 * and the fitted model read, so that none of them reaches back into the estimator.
 *
 * <pre>{@code
 * FitSettings s = ...;                 // made by SparkSvi.Builder#build
 * Svi<SequenceBatch> svi = s.svi();     // the single-JVM SVI the shards split
 * int b = s.batchFor(n);                // B for N series
 * }</pre>
 *
 * @param model the model
 * @param guide the guide
 * @param optimizer the optimizer
 * @param batchSize B, or -1 to take {@code batchFraction} of the data
 * @param batchFraction the fraction of the series per minibatch when {@code batchSize} is -1
 * @param seed the seed of all randomness
 * @param particles particles of the Trace ELBO
 * @param annealing the KL annealing schedule, or null
 * @param annealedSites the sites it scales
 * @param aggregationDepth the depth of {@code treeAggregate} (0: 1 up to 64 partitions, else 2)
 * @param checkpointDir where checkpoints go, or null
 * @param checkpointInterval steps between checkpoints
 * @param staleLockAfter how old a checkpoint lock's heartbeat must be to count as stale
 * @param takeOverStaleLock whether a stale lock is taken over
 * @param modelSpec the model and guide as checkpoints record them, or null for their classes
 * @param console where the fit's notices go (resuming, damaged checkpoints)
 * @param progress whether the console progress bar is drawn
 * @param progressEvery steps between progress lines on {@code console}, or 0 for none
 * @param skipInvalidRows whether invalid rows are skipped (and counted) instead of failing
 * @param seriesPlate the plate over series in model and guide
 * @param columns the input columns
 */
record FitSettings(Model<SequenceBatch> model, Model<SequenceBatch> guide, Optimizer optimizer,
    int batchSize, double batchFraction, long seed, int particles, AnnealingSchedule annealing,
    String[] annealedSites, int aggregationDepth, String checkpointDir, int checkpointInterval,
    java.time.Duration staleLockAfter, boolean takeOverStaleLock, String modelSpec,
    java.io.PrintStream console, boolean progress, int progressEvery, boolean skipInvalidRows,
    String seriesPlate, DatasetReader.Columns columns) {

  /** How the fit shows its progress over {@code steps} steps: lines, the terminal's bar, or not. */
  ProgressBar progressBar(long steps) {
    return progressEvery > 0 ? ProgressBar.lines(console, steps, "rows", progressEvery)
        : progress ? ProgressBar.console(steps, "rows") : ProgressBar.off();
  }

  /** The single-JVM SVI that the engine splits: the same model, guide, optimizer and annealing. */
  Svi<SequenceBatch> svi() {
    Svi<SequenceBatch> svi = Svi.of(model, guide, optimizer,
        new RowKeyedTraceElbo(particles, seriesPlate)).progress(false);
    return annealing == null ? svi : svi.annealing(annealing, annealedSites);
  }

  /** The engine that pads rows into batches and computes the shards' terms. */
  ShardEngine engine() {
    return new ShardEngine(svi(), seriesPlate, columns.covariates);
  }

  /** What evaluation and prediction take from these settings. */
  ModelSetup setup() {
    return new ModelSetup(engine(), seriesPlate, columns, particles, skipInvalidRows);
  }

  /** B for a dataset of {@code n} series. */
  int batchFor(long n) {
    int b = batchSize > 0 ? batchSize : (int) Math.max(1, Math.round(batchFraction * n));
    if (b > n) {
      throw new IllegalArgumentException(
          "fit: batch size " + b + " is larger than the " + n + " valid series");
    }
    return b;
  }

  /**
   * What defines a fit with these settings on data of fingerprint {@code data}, for its
   * checkpoints ({@link RunDefinition}).
   */
  RunDefinition runDefinition(DataFingerprint data, int batch, long steps) {
    String model = modelSpec != null ? modelSpec
        : "model " + CustomSpec.className(this.model.getClass()) + ", guide "
            + CustomSpec.className(guide.getClass());
    String annealed = annealing == null ? "none"
        : annealing.spec() + " on " + java.util.Arrays.toString(annealedSites);
    return new RunDefinition(data, model, optimizer.spec(), annealed, batch, seed, particles,
        steps);
  }
}
