// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import dev.ember.data.SequenceBatch;
import dev.ember.examples.Ar1StateSpace;
import dev.ember.handlers.Model;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.optim.Adam;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training job for {@code spark-submit}: fits one of the examples' models to a sequence
 * dataset with {@link SparkSvi} and writes the fitted params (JSON) and the loss of every step
 * (CSV). See {@code --help} for the options.
 *
 * <pre>{@code
 * spark-submit --master spark://host:7077 --class dev.ember.examples.cli.Train \
 *   examples/target/ember-examples-app.jar \
 *   --data hdfs:///data/sequences.parquet --model ar1 --steps 2000 --batch-size 4096 \
 *   --lr 0.01 --annealing linear:0.1->1.0@500 --checkpoint-dir hdfs:///tmp/ember/run1 --out run1
 * }</pre>
 */
public final class Train {
  private Train() {}

  /** The models {@code --model} can name, with their guides and annealed latent sites. */
  enum Choice {
    AR1(Ar1StateSpace.MODEL, Ar1StateSpace.GUIDE, Ar1StateSpace.LATENT),
    AR1_SERIES(Ar1StateSpace.MODEL, Ar1StateSpace.SERIES_GUIDE, Ar1StateSpace.LATENT);

    final Model<SequenceBatch> model;
    final Model<SequenceBatch> guide;
    final String latent;

    Choice(Model<SequenceBatch> model, Model<SequenceBatch> guide, String latent) {
      this.model = model;
      this.guide = guide;
      this.latent = latent;
    }
  }

  static Flags flags() {
    return new Flags("Train",
        "Fits a model to sequence data with data-parallel SVI on Spark (SparkSvi) and writes\n"
            + "the fitted params and the loss curve. Data: one row per series, a long id column\n"
            + "and an array<double> values column (variable lengths are padded and masked).")
        .option("data", "PATH", null, "the data: a file or folder on any Hadoop file system "
            + "(required)")
        .option("format", "FMT", "parquet", "parquet, json (JSON lines: {\"id\": 1, \"values\": "
            + "[0.1, ...]}) or csv (header id,values; values separated by blanks or ';')")
        .option("model", "NAME", "ar1", "the model: ar1 (AR(1) state space, latent site z, "
            + "params phi, sigma, tau; amortized guide)\nor ar1-series (the same model with a "
            + "mean-field guide whose params each series keeps on\nits executor; they are "
            + "written to OUT/series-params as Parquet)")
        .option("steps", "N", "1000", "SVI steps in all (a resumed run continues to N; it must ask "
            + "for the N it was started with)")
        .option("batch-size", "B", null, "series per minibatch (default: 1% of the series)")
        .option("lr", "X", "0.01", "Adam learning rate")
        .option("annealing", "SPEC", null, "KL annealing of the latent site, e.g. "
            + "linear:0.1->1.0@2000; grammar: " + AnnealingSchedule.GRAMMAR + " (default: none)")
        .option("particles", "N", "1", "particles of the ELBO estimate")
        .option("seed", "S", "0", "seed of minibatches, draws and initial values")
        .option("checkpoint-dir", "DIR", null, "checkpoint folder (any Hadoop path); a run "
            + "resumes from its latest whole checkpoint\nif it was written by the same run (data, "
            + "model, settings), and locks the folder while it runs (default: no checkpoints)")
        .option("checkpoint-every", "N", "100", "steps between checkpoints")
        .flag("take-over-stale-lock", "take over the checkpoint folder's lock if its run died "
            + "without releasing it")
        .option("id-column", "NAME", "id", "the id column")
        .option("values-column", "NAME", "values", "the values column")
        .flag("skip-invalid", "skip and count invalid rows (null, empty, NaN or infinite "
            + "values, duplicate ids) instead of failing")
        .option("out", "DIR", null, "output folder (any Hadoop path): params.json, loss.csv, "
            + "loss.png, written\nwhole or not at all; a new or empty folder unless --overwrite "
            + "(required)")
        .flag("overwrite", "replace an earlier output of Ember's in --out, once the new one is "
            + "complete\n(a folder holding anything Ember did not write there is never replaced)")
        .option("report-every", "N", null, "progress line every N steps (default: steps / 20)")
        .option("master", "URL", null, "Spark master (default: spark-submit's, else local[*])")
        .repeated("conf", "KEY=VALUE", "a Spark setting")
        .option("log-level", "LEVEL", "WARN", "Spark's log level")
        .note("Exit status: 0 done, 2 bad command line, 1 failed. loss.png is a PNG of the loss "
            + "curve in loss.csv (step,loss).");
  }

  /**
   * A finished training job.
   *
   * @param params the fitted constrained params
   * @param losses the loss of every step
   * @param series the series trained on
   * @param skippedRows invalid rows left out
   * @param batchSize B
   */
  public record Result(Map<String, Tensor> params, double[] losses, long series, long skippedRows,
      int batchSize) {}

  /** Runs {@code args}; a failure prints one line and exits non-zero ({@link Flags#runMain}). */
  public static void main(String[] args) {
    Flags.runMain("Train", args, () -> run(args, System.out));
  }

  /**
   * Runs {@code args}, printing to {@code out}; null when only the help was asked for.
   *
   * @throws Flags.UsageException on a bad command line
   * @throws IllegalArgumentException on bad data, naming the row, the column and the problem
   */
  public static Result run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    String data = f.required("data");
    String format = f.choice("format", "parquet", "csv", "json");
    Choice model = Choice.valueOf(
        f.choice("model", "ar1", "ar1-series").replace('-', '_').toUpperCase(Locale.ROOT));
    int steps = f.intValue("steps", 0);
    Integer batch = f.string("batch-size") == null ? null : f.intValue("batch-size", 1);
    double lr = f.doubleValue("lr", 0);
    AnnealingSchedule annealing = null;
    if (f.string("annealing") != null) {
      try {
        annealing = AnnealingSchedule.parse(f.string("annealing"));
      } catch (IllegalArgumentException e) {
        throw new Flags.UsageException(e.getMessage(), e);
      }
    }
    int particles = f.intValue("particles", 1);
    long seed = f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    String checkpoint = f.string("checkpoint-dir");
    int checkpointEvery = f.intValue("checkpoint-every", 1);
    String outPath = f.required("out");
    int every = f.string("report-every") == null ? Math.max(1, steps / 20)
        : f.intValue("report-every", 1);

    SparkSession spark = JobIo.session("ember-train-" + f.required("model"), f.string("master"),
        f.all("conf"));
    try (OutputFolder outDir = OutputFolder.open("out", outPath, f.has("overwrite"),
        spark.sparkContext().hadoopConfiguration(), "train-output")) {
      spark.sparkContext().setLogLevel(f.required("log-level"));
      Dataset<Row> sequences = JobIo.read(spark, data, format);
      SparkSvi.Builder b = SparkSvi.builder(model.model, model.guide).optimizer(Adam.of(lr))
          .seed(seed).particles(particles).progress(false).console(out).progressLines(every)
          .idColumn(f.required("id-column"))
          .valuesColumn(f.required("values-column")).skipInvalidRows(f.has("skip-invalid"));
      if (batch != null) {
        b.batchSize(batch);
      }
      if (annealing != null) {
        b.annealing(annealing, model.latent);
      }
      if (checkpoint != null) {
        b.checkpoint(checkpoint, checkpointEvery).modelSpec("Train --model "
            + f.required("model")).takeOverStaleLock(f.has("take-over-stale-lock"));
      }
      out.printf(Locale.ROOT, "Spark %s on %s: model %s, data %s (%s), %d steps, lr %s, "
              + "annealing %s, seed %d%n", spark.version(), spark.sparkContext().master(),
          f.required("model"), data, format, steps, lr, annealing == null ? "none" : annealing,
          seed);
      long t0 = System.nanoTime();
      SparkSviModel r = b.build().fit(sequences, steps);
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.printf(Locale.ROOT, "fit: %d series (%d invalid rows skipped), batch %d, %d steps run "
              + "in %.1f s%s, final loss %.6g%n", r.series(), r.skippedRows(), r.batchSize(),
          r.timings().steps(), seconds, r.timings().steps() == r.losses().length ? ""
              : " (resumed at step " + (r.losses().length - r.timings().steps()) + ")",
          r.losses().length == 0 ? Double.NaN : r.losses()[r.losses().length - 1]);
      r.dataWarning().ifPresent(w -> out.println("warning: " + w));
      for (Map.Entry<String, Tensor> e : r.params().entrySet()) {
        if (e.getValue().rank() == 0) {
          out.printf(Locale.ROOT, "  %-16s %.6f%n", e.getKey(), e.getValue().item());
        }
      }
      outDir.writeText("params.json", JobIo.paramsJson(r.params()));
      outDir.writeText("loss.csv", JobIo.lossesCsv(r.losses()));
      outDir.write("loss.png", JobIo.linePlotPng("SVI loss (negative ELBO estimate)", "SVI step",
          "loss", Map.of("loss", r.losses())));
      if (r.seriesParams().isPresent()) {
        r.seriesParams().get().write().parquet(outDir.stagingPath("series-params"));
      }
      String where = outDir.commit();
      out.printf(Locale.ROOT, "wrote params.json, loss.csv, loss.png%s to %s%n",
          r.seriesParams().isPresent() ? ", series-params" : "", where);
      return new Result(r.params(), r.losses(), r.series(), r.skippedRows(), r.batchSize());
    } finally {
      spark.stop();
    }
  }
}
