// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Handlers;
import dev.ember.infer.Predictive;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What the executors run for {@link SparkTransform}: the rows of a partition in chunks, each chunk
 * in batches of one length, through {@link Predictive}; each row's draws summarized into its output
 * row (mean, sd with the n - 1 denominator, quantiles interpolated linearly between order
 * statistics).
 *
 * <pre>{@code
 * TransformRunner runner = new TransformRunner(setup, params, layout, key, n, options, latents,
 *     forecasts);
 * JavaRDD<Row> out = rows.mapPartitions(runner::run);
 * }</pre>
 */
final class TransformRunner implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelSetup setup;
  private final Map<String, Tensor> params;
  private final RngKey key;
  private final long totalSeries;
  private final SparkTransform.Options o;
  private final List<SparkTransform.Layout> latents;
  private final List<SparkTransform.Layout> forecasts;
  private final SeriesParams layout;

  TransformRunner(ModelSetup setup, Map<String, Tensor> params, SeriesParams layout, RngKey key,
      long totalSeries, SparkTransform.Options o, List<SparkTransform.Layout> latents, List<SparkTransform.Layout> forecasts) {
    this.setup = setup;
    this.layout = layout;
    this.params = params;
    this.key = key;
    this.totalSeries = totalSeries;
    this.o = o;
    this.latents = List.copyOf(latents);
    this.forecasts = List.copyOf(forecasts);
  }

  /** The output rows of a partition, in its order. */
  Iterator<Row> run(Iterator<SequenceRow> it) {
    Iterator<List<SequenceRow>> chunks = SparkEvaluation.chunks(it, o.batchRows());
    return new Iterator<>() {
      private Iterator<Row> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && chunks.hasNext()) {
          current = chunk(chunks.next()).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** The rows of one chunk, in its order; computed by groups of one length. */
  List<Row> chunk(List<SequenceRow> rows) {
    Map<Integer, List<SequenceRow>> byLength = new LinkedHashMap<>();
    for (SequenceRow r : rows) {
      byLength.computeIfAbsent(r.values().length, k -> new ArrayList<>()).add(r);
    }
    Map<Long, Row> out = new HashMap<>();
    for (List<SequenceRow> group : byLength.values()) {
      out.putAll(group(group));
    }
    List<Row> ordered = new ArrayList<>(rows.size());
    for (SequenceRow r : rows) {
      ordered.add(out.get(r.id()));
    }
    return ordered;
  }

  /** The output rows of rows of one length T, by id. */
  Map<Long, Row> group(List<SequenceRow> rows) {
    ShardEngine.checkNoHandlers();
    String plate = setup.seriesPlate();
    SequenceBatch batch = setup.engine().batch(rows, totalSeries).withHorizon(o.horizonSteps());
    int t = batch.steps() - o.horizonSteps();
    List<String> names = new ArrayList<>();
    latents.forEach(l -> names.add(l.name()));
    forecasts.forEach(l -> names.add(l.name()));
    Map<String, Tensor> draws = Predictive.of(SequenceForecast.model(setup.model(), plate),
            SequenceForecast.guide(setup.guide()), o.samples())
        .seeding((m, d, k) -> Handlers.seedRows(m, k, plate, d.ids()))
        .returnSites(names.toArray(new String[0]))
        .run(key, batch, SparkTransform.withFitted(params, layout, rows, t));
    Map<Long, Row> out = new HashMap<>();
    for (int r = 0; r < batch.size(); r++) {
      List<Object> values = new ArrayList<>();
      values.add(batch.ids()[r]);
      for (SparkTransform.Layout l : latents) {
        summarize(rowDraws(draws.get(l.name()), l, r, 0, t), values);
      }
      for (SparkTransform.Layout l : forecasts) {
        summarize(rowDraws(draws.get(l.name()), l, r, t, t + o.horizonSteps()), values);
      }
      out.put(batch.ids()[r], RowFactory.create(values.toArray()));
    }
    return out;
  }

  /** Mean, sd and quantiles of each column of {@code d} ([S][M]), appended to {@code out}. */
  private void summarize(double[][] d, List<Object> out) {
    Summary s = Summary.of(d, o.quantileValues());
    out.add(s.mean());
    out.add(s.sd());
    out.addAll(Arrays.asList(s.quantiles()));
  }

  /**
   * Row {@code r}'s values of a site over the draws: {@code [S][M]}, steps {@code from .. to} of
   * a site over time, flattened step-major.
   *
   * @param x the site's draws, {@code [S] + the site's value shape}
   */
  static double[][] rowDraws(Tensor x, SparkTransform.Layout l, int r, int from, int to) {
    Tensor row = x.select(1 + l.plateAxis(), r); // [S, ...], time (if any) at axis 1
    if (l.overTime()) {
      row = row.slice(1, from, to);
    }
    int s = row.dim(0);
    double[] flat = row.toArray();
    int m = flat.length / s;
    double[][] out = new double[s][];
    for (int i = 0; i < s; i++) {
      out[i] = Arrays.copyOfRange(flat, i * m, (i + 1) * m);
    }
    return out;
  }

  /**
   * Column summaries of draws.
   *
   * @param mean the mean of each column
   * @param sd the sd of each column ({@code n - 1} denominator)
   * @param quantiles for each quantile, its value in each column
   */
  record Summary(double[] mean, double[] sd, double[][] quantiles) {
    /** The summaries of the columns of {@code d} ({@code [S][M]}, S >= 2). */
    static Summary of(double[][] d, double[] qs) {
      int s = d.length;
      int m = d[0].length;
      double[] mean = new double[m];
      double[] sd = new double[m];
      double[][] q = new double[qs.length][m];
      double[] col = new double[s];
      for (int j = 0; j < m; j++) {
        double sum = 0;
        for (int i = 0; i < s; i++) {
          col[i] = d[i][j];
          sum += col[i];
        }
        double mu = sum / s;
        double ss = 0;
        for (int i = 0; i < s; i++) {
          ss += (col[i] - mu) * (col[i] - mu);
        }
        mean[j] = mu;
        sd[j] = Math.sqrt(ss / (s - 1));
        Arrays.sort(col);
        for (int k = 0; k < qs.length; k++) {
          double h = (s - 1) * qs[k];
          int lo = (int) Math.floor(h);
          int hi = Math.min(lo + 1, s - 1);
          q[k][j] = col[lo] + (h - lo) * (col[hi] - col[lo]);
        }
      }
      return new Summary(mean, sd, q);
    }
  }
}
