// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.SviState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted model, as {@link SparkSvi#fit} returns it (Spark ML's Model to SparkSvi's Estimator):
 * the fitted params and what the fit learnt about its data, and what can be done with them over
 * other {@code Dataset}s of sequences: the held-out ELBO ({@link #evaluate}, {@link
 * #evaluateRows}), posterior summaries and forecasts ({@link #transform}), and {@link #save} /
 * {@link #load}.
 *
 * <pre>{@code
 * SparkSviModel fit = SparkSvi.builder(model, guide).batchSize(1024).build().fit(train, 2000);
 * fit.params().get("phi");                         // constrained global params
 * fit.losses();                                    // one loss per step
 * fit.seriesParams();                              // per-series params, if the guide has any
 * SparkEvaluation.Result heldOut = fit.evaluate(test);
 * Dataset<Row> forecasts = fit.transform(test, SparkTransform.options().horizon(12));
 * fit.save("hdfs:///models/ar1");
 * SparkSviModel again = SparkSviModel.load(spark, "hdfs:///models/ar1", model, guide);
 * }</pre>
 *
 * <p>Evaluation and prediction use the fit's configuration (columns, series plate, particles,
 * whether invalid rows are skipped), its params, and by default the key of the fit's next step.
 * A model made from params alone ({@link SparkSvi#model}) has no losses, state or data summary.
 */
public final class SparkSviModel {
  private final ModelSetup setup;
  private final FittedParams fitted;
  private final double[] losses;
  private final SviState state;
  private final FitData data;
  private final int batchSize;
  private final StepTimings timings;
  private final SetupTimings setupTimings;

  /**
   * What a fit learnt about its data in the set-up pass.
   *
   * @param series N, the valid series trained on
   * @param skippedRows invalid rows skipped ({@link SparkSvi.Builder#skipInvalidRows})
   * @param fingerprint the rows' fingerprint (order-independent hash of ids, values, covariates)
   * @param values the count, mean and sd of their values
   */
  public record FitData(long series, long skippedRows, DataFingerprint fingerprint,
      ValueStats values) {}

  SparkSviModel(ModelSetup setup, FittedParams fitted, double[] losses, SviState state,
      FitData data, int batchSize, StepTimings timings, SetupTimings setupTimings) {
    this.setup = setup;
    this.fitted = fitted;
    this.losses = losses.clone();
    this.state = state;
    this.data = data;
    this.batchSize = batchSize;
    this.timings = timings;
    this.setupTimings = setupTimings;
  }

  /** The fitted global params, constrained. */
  public Map<String, Tensor> params() {
    return fitted.params();
  }

  /** The loss of every step (of this run and any it resumed); empty for a model from params. */
  public double[] losses() {
    return losses.clone();
  }

  /** The final SVI state (global params unconstrained, optimizer moments, key, step), or null. */
  public SviState state() {
    return state;
  }

  /** N, the valid series trained on (0 for a model from params). */
  public long series() {
    return data == null ? 0 : data.series();
  }

  /** Invalid rows skipped by the fit. */
  public long skippedRows() {
    return data == null ? 0 : data.skippedRows();
  }

  /** What the fit learnt about its data, if it ran on data. */
  public Optional<FitData> data() {
    return Optional.ofNullable(data);
  }

  /** The fingerprint of the data trained on, if any (what checkpoints recognise their data by). */
  public Optional<DataFingerprint> fingerprint() {
    return data().map(FitData::fingerprint);
  }

  /**
   * A warning when the training data are far from a model's unit scale ({@link
   * ValueStats#scaleWarning}), naming their mean and sd; empty otherwise.
   */
  public Optional<String> dataWarning() {
    return data().flatMap(d -> d.values().scaleWarning());
  }

  /** B, the series per minibatch. */
  public int batchSize() {
    return batchSize;
  }

  /** Where this run's step time went. */
  public StepTimings timings() {
    return timings;
  }

  /** Where this run's time before its first step went. */
  public SetupTimings setupTimings() {
    return setupTimings;
  }

  /**
   * The per-series params, if the guide has any ({@link SeriesParams}): one row per series, its
   * id and, per param, its constrained slice flattened in row-major order (a {@code [T, B]} param
   * gives each series its T values); computed from the executors' state, never collected.
   */
  public Optional<Dataset<Row>> seriesParams() {
    return fitted.seriesParams();
  }

  /** Which params are per-series and how a batch's value is cut into series. */
  public SeriesParams seriesLayout() {
    return fitted.layout();
  }

  /** What evaluation and prediction run with. */
  FittedParams fitted() {
    return fitted;
  }

  /** The held-out ELBO of {@code data} with the key of the fit's next step ({@link SparkEvaluation}). */
  public SparkEvaluation.Result evaluate(Dataset<Row> data) {
    return SparkEvaluation.evaluate(setup, data, fitted, fitted.defaultKey());
  }

  /** The held-out ELBO of {@code data} with {@code key}. */
  public SparkEvaluation.Result evaluate(Dataset<Row> data, RngKey key) {
    return SparkEvaluation.evaluate(setup, data, fitted, key);
  }

  /**
   * The local terms of {@link #evaluate} per row (columns id, loss, log_likelihood, kl; the
   * global terms are in no row), computed lazily.
   */
  public Dataset<Row> evaluateRows(Dataset<Row> data) {
    return SparkEvaluation.rows(setup, data, fitted, fitted.defaultKey());
  }

  /** {@link #evaluateRows(Dataset)} with {@code key}. */
  public Dataset<Row> evaluateRows(Dataset<Row> data, RngKey key) {
    return SparkEvaluation.rows(setup, data, fitted, key);
  }

  /**
   * One row per sequence of {@code data}: posterior summaries of its local latents and a
   * forecast, as {@code options} say ({@link SparkTransform}), computed lazily.
   */
  public Dataset<Row> transform(Dataset<Row> data, SparkTransform.Options options) {
    return SparkTransform.transform(setup, data, fitted, options);
  }

  /**
   * Writes this model into {@code path} (any Hadoop path; refused if it exists): its params,
   * per-series params (Parquet), losses, data summary and the configuration that evaluation and
   * prediction need ({@link SparkSviModelStore}). The model and guide are code: {@link #load}
   * takes them again.
   */
  public void save(String path) {
    SparkSviModelStore.save(this, setup, fitted, data, path);
  }

  /** A model saved by {@link #save}, with its {@code model} and {@code guide} (as fitted). */
  public static SparkSviModel load(SparkSession spark, String path, Model<SequenceBatch> model,
      Model<SequenceBatch> guide) {
    return SparkSviModelStore.load(spark, path, model, guide);
  }
}
