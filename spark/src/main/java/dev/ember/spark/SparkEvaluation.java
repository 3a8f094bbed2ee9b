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
import dev.ember.infer.ElboEstimate;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The held-out ELBO of a fit on a {@code Dataset} of sequences, computed where the data are: the
 * full-data negative ELBO {@code -(E_q[log p(y, z)] - E_q[log q(z)])} at the fit's params, every
 * row used (so no N / B scaling), split into the likelihood of the observed sites and the KL part
 * of the latent ones, in total and per row.
 *
 * <pre>{@code
 * SparkSviModel fit = SparkSvi.builder(model, guide).particles(8).build().fit(train, 2000);
 * SparkEvaluation.Result heldOut = fit.evaluate(test);
 * heldOut.loss();            // -ELBO = kl - logLikelihood
 * heldOut.logLikelihood();   // sum of the observed sites' log-densities
 * heldOut.kl();              // sum of log q - log p of the latent sites (a Monte-Carlo KL)
 * Dataset<Row> perRow = fit.evaluateRows(test);   // id, loss, log_likelihood, kl
 * }</pre>
 *
 * <p>How it runs:
 *
 * <ol>
 *   <li>The data are read and validated as by {@link SparkSvi#fit} (same columns, same errors,
 *       or skipped and counted rows).
 *   <li>Each partition pads its rows, {@value #ROWS_PER_BATCH} at a time, into {@link
 *       SequenceBatch}es and runs guide and model on them with the fit's params, as the {@link
 *       RowKeyedTraceElbo} of the fit does, once per particle: local sites (in the series plate)
 *       draw with their row's key, global sites with the plain key, so a row's terms do not
 *       depend on the partitioning or on the rows it is batched with, and every batch draws the
 *       same global values. Each site's {@code scale * log-density} is summed per row of the
 *       plate (local sites) or whole (global sites); the particles are averaged.
 *   <li>The partitions' sums are collected and added in partition order; the global terms are
 *       counted once (from the first partition with rows).
 * </ol>
 *
 * <p>The key is that of the fit's next step ({@code fit.state().key().split()[1]}, as {@link
 * dev.ember.infer.Svi#evaluate}) unless one is given; particles and the series plate are the
 * {@link SparkSvi}'s. Annealing is not applied: this is the ELBO itself ({@code beta = 1}), so
 * fits with different schedules compare on the same objective, and {@code kl} is the term an
 * annealing schedule weighted.
 *
 * <p>Notes: the KL part is a Monte-Carlo estimate (it can be negative for one particle); a
 * model's observed sites outside the series plate count once, in {@code logLikelihood}; global
 * sites must not depend on a batch's rows (the same assumption {@link SparkSvi#fit} makes).
 */
public final class SparkEvaluation {
  /** Rows padded into one batch inside a partition (the result does not depend on it). */
  static final int ROWS_PER_BATCH = 512;

  private SparkEvaluation() {}

  /**
   * The held-out ELBO of a dataset.
   *
   * @param loss the negative ELBO, {@code kl - logLikelihood}
   * @param logLikelihood the log-densities of the observed sites, summed over every row (and
   *     global observed sites once), averaged over particles
   * @param kl the latent sites' {@code log q - log p}, summed over every row and the global
   *     latent sites once, averaged over particles
   * @param globalLoss the part of {@code loss} from global sites (outside the series plate)
   * @param series the rows evaluated
   * @param skippedRows invalid rows left out ({@link SparkSvi.Builder#skipInvalidRows})
   * @param particles the particles averaged
   */
  public record Result(double loss, double logLikelihood, double kl, double globalLoss,
      long series, long skippedRows, int particles) {}

  /**
   * One partition's sums.
   *
   * @param partition its index
   * @param rows its rows
   * @param logLikelihood its rows' local likelihood terms
   * @param kl its rows' local KL terms
   * @param globalLogLikelihood the global likelihood terms (0 without rows)
   * @param globalKl the global KL terms (0 without rows)
   */
  record Part(int partition, long rows, double logLikelihood, double kl,
      double globalLogLikelihood, double globalKl) implements Serializable {}

  /**
   * The terms of one batch.
   *
   * @param ids the rows' ids, in batch order
   * @param logLikelihood each row's likelihood terms
   * @param kl each row's KL terms
   * @param globalLogLikelihood the global likelihood terms
   * @param globalKl the global KL terms
   */
  record Terms(long[] ids, double[] logLikelihood, double[] kl, double globalLogLikelihood,
      double globalKl) {}

  /** The held-out ELBO of {@code data} at {@code fit}'s params, with {@code key}. */
  static Result evaluate(ModelSetup setup, Dataset<Row> data, FittedParams fit, RngKey key) {
    DataPreparation.Prepared read = prepare(setup, data);
    try {
      return evaluate(setup, data, fit, key, read);
    } finally {
      read.unpersist();
    }
  }

  private static Result evaluate(ModelSetup setup, Dataset<Row> data, FittedParams fit,
      RngKey key, DataPreparation.Prepared read) {
    long n = read.summary().valid();
    Evaluator ev = new Evaluator(setup, fit, key, n);
    JavaRDD<SequenceRow> attached = fit.attachTo(rowsOf(read));
    List<Part> parts = described(data, "ember evaluate", () -> attached
        .mapPartitionsWithIndex((idx, it) -> List.of(ev.part(idx, it)).iterator(), false)
        .collect());
    List<Part> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(Part::partition));
    double ll = 0;
    double kl = 0;
    long rows = 0;
    Part global = null;
    for (Part p : ordered) {
      ll += p.logLikelihood();
      kl += p.kl();
      rows += p.rows();
      if (global == null && p.rows() > 0) {
        global = p;
      }
    }
    if (global == null || rows != n) {
      throw new IllegalStateException("evaluate: " + rows + " rows were evaluated, expected " + n);
    }
    ll += global.globalLogLikelihood();
    kl += global.globalKl();
    return new Result(kl - ll, ll, kl, global.globalKl() - global.globalLogLikelihood(), rows,
        read.skipped(), setup.particles());
  }

  /**
   * The set-up pass over {@code data} ({@link DataPreparation}): validated as a fit validates, N
   * counted, nothing of size N collected.
   */
  static DataPreparation.Prepared prepare(ModelSetup setup, Dataset<Row> data) {
    DatasetReader reader = DatasetReader.of(data.schema(), setup.columns());
    return described(data, "ember read", () -> DataPreparation.prepare(data, reader,
        setup.skipInvalidRows()));
  }

  /** The prepared rows one by one (computed again from the data once they are unpersisted). */
  static JavaRDD<SequenceRow> rowsOf(DataPreparation.Prepared read) {
    return read.rows().flatMap(pr -> pr.all().iterator());
  }

  /**
   * Per-row terms of {@code data} (local sites only), as a lazily computed dataset: the data are
   * validated now, and read again by each action on the result.
   */
  static Dataset<Row> rows(ModelSetup setup, Dataset<Row> data, FittedParams fit, RngKey key) {
    DataPreparation.Prepared read = prepare(setup, data);
    read.unpersist();
    Evaluator ev = new Evaluator(setup, fit, key, read.summary().valid());
    StructType schema = new StructType()
        .add(setup.columns().id, DataTypes.LongType, false)
        .add("loss", DataTypes.DoubleType, false)
        .add("log_likelihood", DataTypes.DoubleType, false)
        .add("kl", DataTypes.DoubleType, false);
    JavaRDD<Row> out = fit.attachTo(rowsOf(read)).mapPartitions(it -> {
      List<Row> rows = new ArrayList<>();
      Iterator<List<SequenceRow>> chunks = chunks(it, ROWS_PER_BATCH);
      while (chunks.hasNext()) {
        Terms t = ev.terms(chunks.next());
        for (int i = 0; i < t.ids().length; i++) {
          rows.add(RowFactory.create(t.ids()[i], t.kl()[i] - t.logLikelihood()[i],
              t.logLikelihood()[i], t.kl()[i]));
        }
      }
      return rows.iterator();
    });
    return data.sparkSession().createDataFrame(out, schema);
  }

  /** Runs {@code job} with a Spark job description, restoring the previous one. */
  static <T> T described(Dataset<Row> data, String description, java.util.function.Supplier<T> job) {
    return JobDescription.described(
        JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()), description, job);
  }

  /** {@code it} in consecutive lists of at most {@code n} elements. */
  static <T> Iterator<List<T>> chunks(Iterator<T> it, int n) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public List<T> next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> chunk = new ArrayList<>(n);
        while (chunk.size() < n && it.hasNext()) {
          chunk.add(it.next());
        }
        return chunk;
      }
    };
  }

  /** What the executors run: guide and model on batches of rows, per particle. */
  static final class Evaluator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelSetup setup;
    private final Map<String, Tensor> params;
    private final SeriesParams layout;
    private final RngKey key;
    private final long totalSeries;

    Evaluator(ModelSetup setup, FittedParams fit, RngKey key, long totalSeries) {
      this.setup = setup;
      this.layout = fit.layout();
      this.params = new LinkedHashMap<>(java.util.Objects.requireNonNull(fit, "fit").params());
      this.key = java.util.Objects.requireNonNull(key, "key");
      this.totalSeries = totalSeries;
    }

    /** A partition's sums: its rows in batches, the global terms from its first batch. */
    Part part(int partition, Iterator<SequenceRow> it) {
      long rows = 0;
      double ll = 0;
      double kl = 0;
      double gll = 0;
      double gkl = 0;
      Iterator<List<SequenceRow>> chunks = chunks(it, ROWS_PER_BATCH);
      while (chunks.hasNext()) {
        Terms t = terms(chunks.next());
        if (rows == 0) {
          gll = t.globalLogLikelihood();
          gkl = t.globalKl();
        }
        for (int i = 0; i < t.ids().length; i++) {
          ll += t.logLikelihood()[i];
          kl += t.kl()[i];
        }
        rows += t.ids().length;
      }
      return new Part(partition, rows, ll, kl, gll, gkl);
    }

    /** The terms of {@code rows} (any order; batched by id), averaged over particles. */
    Terms terms(List<SequenceRow> rows) {
      ShardEngine.checkNoHandlers();
      // a per-series fit's batches are padded as in the fit, so its params keep their shapes
      SequenceBatch batch = setup.engine().batch(rows, totalSeries, layout.steps());
      int b = batch.size();
      Map<String, Tensor> all = SparkTransform.withFitted(params, layout, rows, layout.steps());
      Model<SequenceBatch> m = Handlers.substitute(setup.model(), all);
      Model<SequenceBatch> g = Handlers.substitute(setup.guide(), all);
      RowKeyedTraceElbo elbo = new RowKeyedTraceElbo(1, setup.seriesPlate());
      int particles = setup.particles();
      RngKey[] keys = particles == 1 ? new RngKey[] {key} : key.split(particles);
      double[] ll = new double[b];
      double[] kl = new double[b];
      double[] global = new double[2]; // likelihood, KL
      for (RngKey k : keys) {
        ElboEstimate e = Autodiff.noGrad(() -> elbo.estimate(m, g, batch, k));
        for (Site s : e.modelTrace().sites().values()) {
          add(s, s.observed() ? ll : kl, s.observed() ? 1.0 : -1.0, s.observed() ? 0 : 1,
              global, b);
        }
        for (Site s : e.guideTrace().sites().values()) {
          add(s, kl, 1.0, 1, global, b);
        }
      }
      double inv = 1.0 / particles;
      for (int i = 0; i < b; i++) {
        ll[i] *= inv;
        kl[i] *= inv;
      }
      return new Terms(batch.ids(), ll, kl, global[0] * inv, global[1] * inv);
    }

    /** Adds {@code sign * scale * log-density} of a sample site per row, or to global[slot]. */
    private void add(Site s, double[] perRow, double sign, int slot, double[] global, int b) {
      if (s.type() != SiteType.SAMPLE) {
        return;
      }
      PlateFrame f = SeriesSiteTerms.frame(s, setup.seriesPlate());
      if (f == null) {
        global[slot] += sign * s.scaledLogProbSum().item();
        return;
      }
      double[] r = SeriesSiteTerms.perRow(s, f, b);
      for (int i = 0; i < b; i++) {
        perRow[i] += sign * r[i];
      }
    }
  }
}
