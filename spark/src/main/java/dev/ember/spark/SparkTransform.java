// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.Autodiff;
import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.infer.Predictive;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Posterior summaries and forecasts over a {@code Dataset} of sequences: one output row per input
 * sequence, with its id, for each local latent site the per-step mean, sd and quantiles over
 * {@code samples} guide draws, and for each observation site the mean, sd and quantiles of an
 * {@code h}-step forecast past the end of the sequence, drawn by {@link Predictive}.
 *
 * <pre>{@code
 * Dataset<Row> out = fit.transform(sequences,
 *     SparkTransform.options().samples(200).quantiles(0.05, 0.95).horizon(12));
 * // id | z_mean | z_sd | z_q05 | z_q95 | y_forecast_mean | y_forecast_sd | y_forecast_q05 | ...
 * // z_*: array<double> of the sequence's length; y_forecast_*: array<double> of length 12
 * }</pre>
 *
 * <p>How it runs:
 *
 * <ol>
 *   <li>The data are read and validated as by {@link SparkSvi#fit}. On the driver, guide and
 *       model run once on the first row to find the sites and their layout, and the output
 *       schema is declared from them: the id column (long), then for each latent site {@code
 *       s_mean}, {@code s_sd}, {@code s_qNN} ..., then for each forecast site {@code
 *       f_forecast_mean}, {@code f_forecast_sd}, {@code f_forecast_qNN} ..., all {@code
 *       array<double>}. {@code qNN} is the quantile's decimal digits, at least two: 0.05 gives
 *       {@code q05}, 0.5 {@code q50}, 0.975 {@code q975}.
 *   <li>Each partition ({@code mapPartitions}) takes its rows {@link Options#rowsPerBatch} at a
 *       time, groups them by length, and pads each group into a {@link SequenceBatch} extended
 *       by the horizon ({@link SequenceBatch#withHorizon}): the rows of a group end at the same
 *       step, so the steps past it are the forecast for all of them. {@link Predictive} runs
 *       {@link SequenceForecast#guide} (the guide on the {@link SequenceBatch#history()}: its
 *       latent series cover the data's T steps only) and {@link SequenceForecast#model} (the
 *       model over T + h steps: latent steps past T drawn from its transition, observations
 *       there drawn from their distributions), seeded by row ({@link Handlers#seedRows}).
 *   <li>A latent site's summary is taken over its row's values: for a site over time, its
 *       first T steps (the guide's), flattened step-major with any event axes; for a per-series
 *       site, its row's values. A forecast site's summary covers its steps T .. T + h - 1.
 * </ol>
 *
 * <p>Randomness: draw {@code i}'s guide and model keys are split from the key as by {@link
 * Predictive}, and every site in the series plate draws row {@code r} from its key folded with
 * the row's id, so a row's summaries do not depend on the partitioning, the batching or the other
 * rows: they equal those of the row alone. The key is the fit's next step's unless {@link
 * Options#key} gives one.
 *
 * <p>Summaries: the mean, the sd with the {@code n - 1} denominator, and quantiles interpolated
 * linearly between order statistics (NumPy's default, type 7 of Hyndman and Fan 1996).
 *
 * <p>Notes: the returned {@code Dataset} is computed again by every action on it (cache it to
 * use it twice); the fit's params travel in the task closure (global params only, as {@link
 * SparkSvi} fits); skipped invalid rows ({@link SparkSvi.Builder#skipInvalidRows}) have no output
 * row; per-step covariates cannot be forecast (a batch has no future values for them), so a
 * horizon with per-step covariate columns is an error.
 *
 * <p>Reference: NumPyro {@code infer.util.Predictive} and {@code diagnostics.quantiles}.
 */
public final class SparkTransform {
  private SparkTransform() {}

  /** Default options: 100 samples, quantiles 0.05 and 0.95, no forecast. */
  public static Options options() {
    return new Options();
  }

  /** What to compute; every option has a default. */
  public static final class Options implements Serializable {
    private static final long serialVersionUID = 1L;

    private int samples = 100;
    private double[] quantiles = {0.05, 0.95};
    private int horizon = 0;
    private String[] sites;
    private String[] forecastSites;
    private RngKey key;
    private int rowsPerBatch = 256;

    private Options() {}

    /** Draws per row (default 100, at least 2). */
    public Options samples(int n) {
      if (n < 2) {
        throw new IllegalArgumentException("samples must be >= 2 (for an sd), got " + n);
      }
      this.samples = n;
      return this;
    }

    /** The quantiles reported, each in (0, 1), distinct (default 0.05, 0.95; none is allowed). */
    public Options quantiles(double... qs) {
      Set<String> names = new LinkedHashSet<>();
      for (double q : qs) {
        if (!(q > 0 && q < 1)) {
          throw new IllegalArgumentException("quantiles must be in (0, 1), got " + q);
        }
        if (!names.add(quantileName(q))) {
          throw new IllegalArgumentException("quantile " + q + " is given twice");
        }
      }
      this.quantiles = qs.clone();
      return this;
    }

    /** Forecast this many steps past each sequence's end (default 0: no forecast). */
    public Options horizon(int h) {
      if (h < 0) {
        throw new IllegalArgumentException("horizon must be >= 0 steps, got " + h);
      }
      this.horizon = h;
      return this;
    }

    /** The local latent sites summarized (default: every latent sample site in the plate). */
    public Options sites(String... names) {
      this.sites = names.clone();
      return this;
    }

    /**
     * The observation sites forecast (default, with a horizon: every observed sample site in the
     * plate).
     */
    public Options forecastSites(String... names) {
      this.forecastSites = names.clone();
      return this;
    }

    /** The key of all draws (default: the fit's next step's). */
    public Options key(RngKey k) {
      this.key = java.util.Objects.requireNonNull(k, "key");
      return this;
    }

    int samples() {
      return samples;
    }

    double[] quantileValues() {
      return quantiles;
    }

    int horizonSteps() {
      return horizon;
    }

    int batchRows() {
      return rowsPerBatch;
    }

    /** Rows run together in one batch (default 256; the result does not depend on it). */
    public Options rowsPerBatch(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("rowsPerBatch must be >= 1, got " + n);
      }
      this.rowsPerBatch = n;
      return this;
    }
  }

  /**
   * Where a row's values of a site lie in the site's value.
   *
   * @param name the site
   * @param plateAxis the axis of the series plate in the value
   * @param overTime whether axis 0 is time (a scanned or sampled-over-time site)
   */
  record Layout(String name, int plateAxis, boolean overTime) implements Serializable {}

  /** The column name part of a quantile: its decimal digits, at least two (0.05: "q05"). */
  static String quantileName(double q) {
    String digits = BigDecimal.valueOf(q).stripTrailingZeros().toPlainString().substring(2);
    return "q" + (digits.length() < 2 ? digits + "0" : digits);
  }

  /** The transform of {@code data}: a lazily computed dataset with the declared schema. */
  static Dataset<Row> transform(ModelSetup setup, Dataset<Row> data, FittedParams fit,
      Options options) {
    java.util.Objects.requireNonNull(fit, "fit");
    Options o = copy(java.util.Objects.requireNonNull(options, "options"));
    if (o.horizon > 0) {
      for (Map.Entry<String, ShardEngine.CovariateKind> e : setup.columns().covariates.entrySet()) {
        if (e.getValue() == ShardEngine.CovariateKind.PER_STEP) {
          throw new IllegalArgumentException("transform: a forecast (horizon " + o.horizon
              + ") needs the future values of the per-step covariate '" + e.getKey()
              + "', which the data do not have; use horizon 0 for posterior summaries only");
        }
      }
    }
    if (o.horizon == 0 && o.forecastSites != null && o.forecastSites.length > 0) {
      throw new IllegalArgumentException("transform: forecast sites "
          + Arrays.toString(o.forecastSites) + " need a horizon >= 1; set options().horizon(h)");
    }
    RngKey key = o.key != null ? o.key : fit.defaultKey();
    DataPreparation.Prepared read = SparkEvaluation.prepare(setup, data);
    read.unpersist(); // the result reads the data again, lazily
    long n = read.summary().valid();
    Map<String, Tensor> params = new LinkedHashMap<>(fit.params());
    SeriesParams local = fit.layout();
    JavaRDD<SequenceRow> rows = fit.attachTo(SparkEvaluation.rowsOf(read));
    SequenceRow first = SparkEvaluation.described(data, "ember transform: sites", rows::first);
    List<List<Layout>> layouts = layouts(setup,
        withFitted(params, local, List.of(first), first.values().length), key, first, n, o);
    List<Layout> latents = layouts.get(0);
    List<Layout> forecasts = layouts.get(1);
    StructType schema = schema(setup.columns().id, latents, forecasts, o);
    TransformRunner runner = new TransformRunner(setup, params, local, key, n, o, latents,
        forecasts);
    JavaRDD<Row> out = rows.mapPartitions(runner::run);
    return data.sparkSession().createDataFrame(out, schema);
  }

  /**
   * {@code params} and, for a per-series fit, the fitted per-series params of {@code rows} cut to
   * {@code steps} (what the guide sees: the rows' history).
   */
  static Map<String, Tensor> withFitted(Map<String, Tensor> params, SeriesParams layout,
      List<SequenceRow> rows, int steps) {
    if (layout.isEmpty()) {
      return params;
    }
    List<SequenceRow> sorted = new ArrayList<>(rows);
    sorted.sort(java.util.Comparator.comparingLong(SequenceRow::id));
    Map<String, Tensor> out = new LinkedHashMap<>(params);
    out.putAll(layout.fitted(sorted, steps));
    return out;
  }

  private static Options copy(Options o) {
    Options c = new Options();
    c.samples = o.samples;
    c.quantiles = o.quantiles.clone();
    c.horizon = o.horizon;
    c.sites = o.sites == null ? null : o.sites.clone();
    c.forecastSites = o.forecastSites == null ? null : o.forecastSites.clone();
    c.key = o.key;
    c.rowsPerBatch = o.rowsPerBatch;
    return c;
  }

  /** The output schema: id, then each latent site's and each forecast site's summaries. */
  static StructType schema(String idColumn, List<Layout> latents, List<Layout> forecasts,
      Options o) {
    StructType s = new StructType().add(idColumn, DataTypes.LongType, false);
    Set<String> names = new LinkedHashSet<>(List.of(idColumn));
    for (Layout l : latents) {
      s = addSummary(s, names, l.name() + "_", o);
    }
    for (Layout l : forecasts) {
      s = addSummary(s, names, l.name() + "_forecast_", o);
    }
    return s;
  }

  private static StructType addSummary(StructType s, Set<String> names, String prefix, Options o) {
    List<String> cols = new ArrayList<>(List.of(prefix + "mean", prefix + "sd"));
    for (double q : o.quantiles) {
      cols.add(prefix + quantileName(q));
    }
    for (String c : cols) {
      if (!names.add(c)) {
        throw new IllegalArgumentException("transform: two output columns are named '" + c
            + "'; rename the id column or the site");
      }
      s = s.add(c, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    return s;
  }

  /**
   * The latent and forecast sites and their layouts, from one run of guide and model on {@code
   * row} (on the driver), with the checks that the guide covers the data's steps only and the
   * model the horizon too.
   */
  static List<List<Layout>> layouts(ModelSetup setup, Map<String, Tensor> params, RngKey key,
      SequenceRow row, long n, Options o) {
    String plate = setup.seriesPlate();
    SequenceBatch batch = setup.engine().batch(List.of(row), n).withHorizon(o.horizon);
    int t = row.values().length;
    RngKey[] k = key.split();
    Trace g = Autodiff.noGrad(() -> Handlers.trace(Handlers.seedRows(
        Handlers.substitute(SequenceForecast.guide(setup.guide()), params), k[0], plate,
        batch.ids())).getTrace(batch));
    Map<String, Tensor> latent = new LinkedHashMap<>(params);
    for (Site s : g.sites().values()) {
      if (s.type() == SiteType.SAMPLE && !s.observed()) {
        latent.put(s.name(), s.value());
      }
    }
    Trace m;
    try {
      m = Autodiff.noGrad(() -> Handlers.trace(Handlers.seedRows(Handlers.substitute(
          SequenceForecast.model(setup.model(), plate), latent), k[1], plate, batch.ids()))
          .getTrace(batch));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("transform: the model fails on a sequence of " + t
          + " steps extended by a horizon of " + o.horizon + " (row id " + row.id() + "): "
          + e.getMessage(), e);
    }
    Map<String, Layout> latentSites = new LinkedHashMap<>();
    Map<String, Layout> observedSites = new LinkedHashMap<>();
    for (Site s : m.sites().values()) {
      PlateFrame f = s.type() == SiteType.SAMPLE ? SeriesSiteTerms.frame(s, plate) : null;
      if (f == null || Boolean.TRUE.equals(s.infer().get("isAuxiliary"))) {
        continue;
      }
      Layout l = new Layout(s.name(), s.fn().batchShape().rank() + f.dim(), s.timeSteps() > 0);
      if (l.overTime() && (l.plateAxis() == 0 || s.timeSteps() != t + o.horizon)) {
        throw new IllegalArgumentException("transform: the model's site '" + s.name() + "' has "
            + s.timeSteps() + " steps on its time axis (plate axis " + l.plateAxis() + ") but the "
            + "batch has " + t + " + " + o.horizon + " (horizon) steps; the model must scan over "
            + "batch.values(), with the series plate inside the body");
      }
      if (s.observed()) {
        observedSites.put(s.name(), l);
      } else {
        Site gs = g.sites().get(s.name());
        int steps = gs == null || gs.value().rank() == 0 ? -1 : gs.value().dim(0);
        if (l.overTime() && gs != null && gs.value().rank() == s.value().rank() && steps != t) {
          throw new IllegalArgumentException("transform: the guide's site '" + s.name()
              + "' has " + steps + " steps but the sequence has " + t + "; a guide must draw "
              + "the data's steps only (it is called with batch.history()), so that the model "
              + "draws the horizon");
        }
        latentSites.put(s.name(), l);
      }
    }
    List<Layout> latents = pick(latentSites, o.sites, "latent site", "sites");
    List<Layout> forecasts = o.horizon == 0 ? List.of()
        : pick(observedSites, o.forecastSites, "observation site", "forecastSites");
    for (Layout l : forecasts) {
      if (!l.overTime()) {
        throw new IllegalArgumentException("transform: the observation site '" + l.name()
            + "' has no time axis, so it has no forecast; name the forecast sites with "
            + "options().forecastSites(...)");
      }
    }
    return List.of(latents, forecasts);
  }

  private static List<Layout> pick(Map<String, Layout> found, String[] wanted, String what,
      String option) {
    if (wanted == null) {
      return List.copyOf(found.values());
    }
    List<Layout> out = new ArrayList<>();
    for (String name : wanted) {
      Layout l = found.get(name);
      if (l == null) {
        throw new IllegalArgumentException("transform: '" + name + "' is not a " + what
            + " of the model in the series plate; those are " + found.keySet() + " (options()."
            + option + ")");
      }
      out.add(l);
    }
    return out;
  }
}
