// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import dev.ember.data.Ar1Data;
import dev.ember.examples.cli.DataFolder;
import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.JobIo;
import dev.ember.examples.cli.OutputFolder;
import dev.ember.examples.cli.TemporaryFolder;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.LearningRate;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The AR(1) state-space model fitted data-parallel on Spark: generates sequences with known
 * {@code phi, sigma, tau} ({@link Ar1Data}), writes them as Parquet, fits {@link
 * Ar1StateSpace#MODEL} with its amortized guide (or, with {@code --guide per-series}, a
 * mean-field guide whose params each series keeps on its executor) by {@link SparkSvi}, prints
 * the recovered params
 * next to the truth, and writes {@code params.json}, {@code loss.csv}, {@code loss.png} (the
 * loss curve) and {@code forecast.csv}.
 *
 * <p>It runs on an embedded {@code local[*]} Spark when no master is configured, on {@code
 * --master URL}, or under {@code spark-submit} on the session's master. The fit is determined by
 * the seed, the batch size and the data: the same command gives the same params on one machine
 * and on a cluster.
 *
 * <pre>{@code
 * LocalLevelSpark.Fit fit =
 *     LocalLevelSpark.run(new String[] {"--quick", "--out", "out"}, System.out);
 * fit.params().get("phi").item();   // near 0.8
 * }</pre>
 */
public final class LocalLevelSpark {
  private LocalLevelSpark() {}

  static Flags flags() {
    return new Flags("LocalLevelSpark",
        "Generates AR(1) sequences with known phi, sigma, tau, fits the AR(1) state-space model\n"
            + "with SparkSvi, and prints the recovered params next to the truth.")
        .option("series", "N", "100000", "number of series")
        .option("length", "T", "100", "steps per series")
        .flag("variable-lengths", "series lengths vary between T/2 and T (padded and masked)")
        .option("phi", "X", Double.toString(Ar1Data.DEFAULT_PHI), "true autoregression")
        .option("sigma", "X", Double.toString(Ar1Data.DEFAULT_SIGMA), "true innovation scale")
        .option("tau", "X", Double.toString(Ar1Data.DEFAULT_TAU), "true observation noise")
        .option("data-seed", "S", Long.toString(Ar1Data.DEFAULT_SEED), "seed of the data")
        .option("steps", "N", "1000", "SVI steps")
        .option("batch-size", "B", "2000", "series per minibatch")
        .option("lr", "X", "0.05", "Adam learning rate, cosine-decayed to a tenth over the steps")
        .option("seed", "S", "0", "seed of the fit (minibatches, draws)")
        .option("guide", "KIND", "amortized", "the guide: amortized (the structured smoother, "
            + "global params) or per-series (a\nmean-field Normal per series and step, its params "
            + "kept on the executors)")
        .option("checkpoint-dir", "DIR", null, "checkpoint into DIR (any Hadoop path) and resume "
            + "from its latest whole checkpoint\nif the same run (data, options) wrote it; the "
            + "folder is locked while the fit runs")
        .option("checkpoint-every", "N", "20", "steps between checkpoints")
        .flag("take-over-stale-lock", "take over the checkpoint folder's lock if its run died "
            + "without releasing it")
        .option("partitions", "P", null, "partitions of the data (default: Spark's parallelism)")
        .option("data", "DIR", null, "where to write the Parquet data: a new or empty folder, or "
            + "one Ember wrote\nits data to (default: a temporary folder, deleted at the end, on "
            + "an error, and on\nCtrl-C or kill)")
        .option("out", "DIR", "ember-local-level", "output folder: params.json, loss.csv, "
            + "loss.png, forecast.csv, written\nwhole or not at all; a new or empty folder unless "
            + "--overwrite")
        .flag("overwrite", "replace an earlier output of Ember's in --out once the new one is "
            + "complete, and\nwrite --data into a folder holding other files (kept: only data "
            + "Ember wrote is deleted)")
        .option("horizon", "H", "10", "forecast steps")
        .option("forecast-series", "K", "20", "series in the forecast table (lowest ids)")
        .option("report-every", "N", null, "progress line every N steps (default: steps / 10)")
        .option("master", "URL", null, "Spark master (default: spark-submit's, else local[*])")
        .repeated("conf", "KEY=VALUE", "a Spark setting")
        .option("log-level", "LEVEL", "WARN", "Spark's log level (INFO shows every job)")
        .flag("quick", "a small run: 2000 series x 50 steps, 200 SVI steps, batch 500 "
            + "(explicit options still win)")
        .note("Outputs: params.json (constrained params), loss.csv (step,loss: the negative ELBO "
            + "estimate of the full data),\nloss.png (that curve), forecast.csv (per series: id, "
            + "length, last value, level, then mean and sd\nof y at h = 1..H).");
  }

  /**
   * The result.
   *
   * @param params the constrained params of model and guide
   * @param losses the loss of every step
   * @param series N
   * @param batchSize B
   * @param seconds the wall time of the fit alone
   * @param out the output folder, qualified
   */
  public record Fit(Map<String, Tensor> params, double[] losses, long series, int batchSize,
      double seconds, String out) {
    /** A constrained scalar param. */
    public double param(String name) {
      return params.get(name).item();
    }
  }

  /**
   * Runs with {@code args} (see {@code --help}); a failure prints one line and exits
   * with status 2 (bad command line) or 1 ({@link Flags#runMain}).
   */
  public static void main(String[] args) {
    Flags.runMain("LocalLevelSpark", args, () -> run(args, System.out));
  }

  /** Runs with {@code args}, printing to {@code out}; null when only the help was asked for. */
  public static Fit run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    int series = f.intValue("series", 1, 2000);
    int length = f.intValue("length", 2, 50);
    int steps = f.intValue("steps", 1, 200);
    int batch = f.intValue("batch-size", 1, 500);
    double phi = f.doubleValue("phi", -1, 1);
    double sigma = f.doubleValue("sigma", 0);
    double tau = f.doubleValue("tau", 0);
    long dataSeed = f.longValue("data-seed", Long.MIN_VALUE, Long.MAX_VALUE);
    double lr = f.doubleValue("lr", 0);
    long seed = f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    int horizon = f.intValue("horizon", 1);
    int forecastSeries = f.intValue("forecast-series", 0);
    int every = f.string("report-every") == null ? Math.max(1, steps / 10)
        : f.intValue("report-every", 1);
    String guideKind = f.choice("guide", "amortized", "per-series");
    boolean perSeries = guideKind.equals("per-series");
    int checkpointEvery = f.intValue("checkpoint-every", 1);
    if (batch > series) {
      throw new Flags.UsageException("option --batch-size (" + batch + ") is larger than "
          + "--series (" + series + ")");
    }
    String outPath = f.required("out");
    boolean overwrite = f.has("overwrite");
    String dataFlag = f.string("data");

    try (TemporaryFolder temp = dataFlag == null ? TemporaryFolder.create("ember-ar1-data")
        : null) {
      SparkSession spark = JobIo.session("ember-local-level", f.string("master"), f.all("conf"));
      org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
      try (OutputFolder outDir = OutputFolder.open("out", outPath, overwrite, conf,
          "local-level-output")) {
        DataFolder dataFolder = temp == null ? DataFolder.check("data", dataFlag, overwrite, conf)
            : null;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setLogLevel(f.required("log-level"));
        int partitions = f.string("partitions") == null ? jsc.defaultParallelism()
            : f.intValue("partitions", 1);
        out.printf(Locale.ROOT, "Spark %s on %s, %d partitions%n", spark.version(), jsc.master(),
            partitions);
        long t0 = System.nanoTime();
        Ar1Data data = Ar1Data.generate(series, length, phi, sigma, tau, dataSeed);
        Dataset<Row> generated = frame(spark, data, f.has("variable-lengths"), partitions);
        String dataDir;
        List<String> files;
        if (dataFolder != null) {
          files = dataFolder.write(generated);
          dataDir = dataFolder.path();
        } else {
          dataDir = temp.resolve("sequences.parquet");
          generated.write().parquet(dataDir);
          files = List.of(dataDir);
        }
        out.printf(Locale.ROOT, "data: %d series x %d steps%s, phi %.3f, sigma %.3f, tau %.3f "
                + "(seed %d), written to %s in %.1f s%n", series, length,
            f.has("variable-lengths") ? " (lengths T/2..T)" : "", phi, sigma, tau, dataSeed,
            dataDir, (System.nanoTime() - t0) / 1e9);

        Dataset<Row> sequences = spark.read().parquet(files.toArray(new String[0]));
        SparkSvi.Builder builder = SparkSvi.builder(Ar1StateSpace.MODEL,
                perSeries ? Ar1StateSpace.SERIES_GUIDE : Ar1StateSpace.GUIDE)
            .optimizer(Adam.of(LearningRate.cosineDecay(lr, steps, 0.1)))
            .batchSize(batch).seed(seed).progress(false).console(out).progressLines(every);
        if (f.string("checkpoint-dir") != null) {
          builder.checkpoint(f.string("checkpoint-dir"), checkpointEvery)
              .modelSpec("LocalLevelSpark AR(1) state space, " + guideKind + " guide")
              .takeOverStaleLock(f.has("take-over-stale-lock"));
        }
        SparkSvi svi = builder.build();
        out.printf(Locale.ROOT, "fitting: %d SVI steps, batch %d, Adam lr %.3g (cosine decay), "
            + "seed %d, %s guide%n", steps, batch, lr, seed, guideKind);
        long t1 = System.nanoTime();
        SparkSviModel r = svi.fit(sequences, steps);
        double seconds = (System.nanoTime() - t1) / 1e9;
        double[] losses = r.losses();
        long stepsRun = r.timings().steps(); // a resumed fit runs only those after its checkpoint
        out.printf(Locale.ROOT, "fit: %d steps run in %.1f s (%.1f ms/step)%s%n", stepsRun,
            seconds, 1e3 * seconds / Math.max(1, stepsRun), stepsRun == losses.length ? ""
                : ", resumed at step " + (losses.length - stepsRun) + " of " + losses.length);
        out.printf(Locale.ROOT, "%-8s %10s %12s%n", "param", "truth", "fitted");
        double[] truth = {phi, sigma, tau};
        for (int i = 0; i < truth.length; i++) {
          String name = Ar1StateSpace.MODEL_PARAMS.get(i);
          out.printf(Locale.ROOT, "%-8s %10.4f %12.6f%n", name, truth[i],
              r.params().get(name).item());
        }

        outDir.writeText("params.json", JobIo.paramsJson(r.params()));
        outDir.writeText("loss.csv", JobIo.lossesCsv(losses));
        outDir.write("loss.png", JobIo.linePlotPng("SVI loss (negative ELBO estimate), "
            + series + " series x " + length + " steps", "SVI step", "loss",
            Map.of("loss", losses)));
        Map<Long, double[]> lastState = perSeries
            ? lastStates(r.seriesParams().orElseThrow(), sequences, forecastSeries) : null;
        outDir.writeText("forecast.csv", forecasts(sequences, r.params(), forecastSeries,
            horizon, lastState, out));
        String where = outDir.commit();
        out.printf(Locale.ROOT, "wrote params.json, loss.csv, loss.png, forecast.csv to %s%n",
            where);
        return new Fit(r.params(), losses, r.series(), r.batchSize(), seconds, where);
      } finally {
        spark.stop();
      }
    }
  }

  /** The rows of one chunk of series, shipped to an executor to become Parquet. */
  private record Chunk(long firstId, double[][] rows) implements Serializable {}

  /**
   * The data as a DataFrame of {@code partitions} partitions: columns id (long) and values (array
   * of double), each series cut to its length ({@link #length}).
   */
  static Dataset<Row> frame(SparkSession spark, Ar1Data data, boolean variable, int partitions) {
    double[][] y = data.yRows();
    int t = data.steps();
    List<Chunk> chunks = new ArrayList<>();
    int per = Math.max(1, Math.min(5000, (y.length + partitions - 1) / partitions));
    for (int start = 0; start < y.length; start += per) {
      double[][] rows = new double[Math.min(per, y.length - start)][];
      for (int i = 0; i < rows.length; i++) {
        int b = start + i;
        rows[i] = java.util.Arrays.copyOf(y[b], length(b, t, variable));
      }
      chunks.add(new Chunk(start, rows));
    }
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(chunks, chunks.size()).flatMap(c -> {
          List<Row> out = new ArrayList<>(c.rows().length);
          for (int i = 0; i < c.rows().length; i++) {
            out.add(RowFactory.create(c.firstId() + i, c.rows()[i])); // double[]: array<double>
          }
          return out.iterator();
        });
    return spark.createDataFrame(rows, JobIo.SEQUENCES).coalesce(partitions);
  }

  /** The length of series {@code b}: T, or with variable lengths one in [T/2, T] fixed by b. */
  static int length(int b, int t, boolean variable) {
    return variable ? t - (int) Math.floorMod(b * 2654435761L, (long) (t / 2 + 1)) : t;
  }

  /**
   * The per-series guide's mean and variance of the last state of the {@code k} series of lowest
   * id: {@code z_loc} and {@code z_scale^2} at each series' last step.
   */
  static Map<Long, double[]> lastStates(Dataset<Row> seriesParams, Dataset<Row> sequences, int k) {
    Map<Long, double[]> out = new java.util.HashMap<>();
    if (k == 0) {
      return out;
    }
    List<Row> rows = seriesParams.join(sequences, "id").orderBy("id").limit(k)
        .select("id", "z_loc", "z_scale", "values").collectAsList();
    for (Row r : rows) {
      int last = r.getList(3).size() - 1;
      double loc = r.<Double>getList(1).get(last);
      double scale = r.<Double>getList(2).get(last);
      out.put(r.getLong(0), new double[] {loc, scale * scale});
    }
    return out;
  }

  /**
   * The forecast table (CSV) of the {@code k} series of lowest id, from the amortized guide's
   * params or, when {@code lastState} is given, from each series' own last state (mean,
   * variance); a few rows are printed on {@code out}.
   */
  static String forecasts(Dataset<Row> sequences, Map<String, Tensor> params, int k,
      int horizon, Map<Long, double[]> lastState, PrintStream out) {
    StringBuilder sb = new StringBuilder("id,length,last,level");
    for (int h = 1; h <= horizon; h++) {
      sb.append(",mean_h").append(h);
    }
    for (int h = 1; h <= horizon; h++) {
      sb.append(",sd_h").append(h);
    }
    sb.append('\n');
    List<Row> rows = k == 0 ? List.of() : sequences.orderBy("id").limit(k).collectAsList();
    if (!rows.isEmpty()) {
      out.printf(Locale.ROOT, "%-6s %6s %9s %9s %9s %9s%n", "id", "length", "last", "level",
          "mean h=1", "sd h=1");
    }
    for (Row r : rows) {
      List<Double> v = r.getList(1);
      double[] y = v.stream().mapToDouble(Double::doubleValue).toArray();
      Ar1StateSpace.Forecast fc = lastState == null
          ? Ar1StateSpace.forecast(params, r.getLong(0), y, horizon)
          : Ar1StateSpace.forecast(params, r.getLong(0), y, horizon,
              lastState.get(r.getLong(0))[0], lastState.get(r.getLong(0))[1]);
      sb.append(fc.id()).append(',').append(fc.length()).append(',').append(fc.lastValue())
          .append(',').append(fc.level());
      for (double m : fc.mean()) {
        sb.append(',').append(m);
      }
      for (double s : fc.sd()) {
        sb.append(',').append(s);
      }
      sb.append('\n');
      if (r == rows.get(0) || rows.size() <= 5 || r == rows.get(rows.size() - 1)) {
        out.printf(Locale.ROOT, "%-6d %6d %9.4f %9.4f %9.4f %9.4f%n", fc.id(), fc.length(),
            fc.lastValue(), fc.level(), fc.mean()[0], fc.sd()[0]);
      }
    }
    return sb.toString();
  }
}
