// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.JobIo;
import dev.ember.examples.cli.OutputFolder;
import dev.ember.random.RngKey;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import dev.ember.spark.SparkTransform;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Inference with a fitted model on new data: reads the params of an AR(1) state-space fit
 * ({@code params.json} as {@link LocalLevelSpark} and {@code Train} write it), and {@link
 * SparkSviModel#transform}s a {@code Dataset} of new sequences into one row per sequence: the
 * posterior mean, sd and quantiles of its latent path {@code z} (the fitted guide's, over its
 * steps) and the mean, sd and quantiles of an h-step forecast of {@code y} past its end, drawn
 * by the fitted model. The result is written as Parquet; a few rows are printed.
 *
 * <p>Output columns: {@code id}, {@code z_mean}, {@code z_sd}, {@code z_qNN} ... (arrays as long
 * as the sequence), {@code y_forecast_mean}, {@code y_forecast_sd}, {@code y_forecast_qNN} ...
 * (arrays of length h). Under the AR(1) model the forecast mean at step h is {@code phi^h} times
 * the mean of the last latent state, up to Monte-Carlo error; the printed table shows both.
 *
 * <pre>{@code
 * DatasetInference.run(new String[] {"--params", "ember-local-level/params.json",
 *     "--data", "new.parquet", "--out", "posterior.parquet", "--horizon", "10"}, System.out);
 * }</pre>
 */
public final class DatasetInference {
  private DatasetInference() {}

  static Flags flags() {
    return new Flags("DatasetInference",
        "Reads a fitted AR(1) state-space model's params (params.json) and writes per-sequence\n"
            + "posterior summaries of the latent path and forecasts for new sequences as Parquet.")
        .option("params", "FILE", null, "params.json of a fit (LocalLevelSpark, Train) (required)")
        .option("data", "PATH", null, "the new sequences: id (long), values (array<double>) "
            + "(required)")
        .option("format", "FMT", "parquet", "parquet, json (JSON lines) or csv (header id,values)")
        .option("out", "PATH", "ember-inference.parquet", "the Parquet output folder, written whole "
            + "or not at all;\na new or empty folder unless --overwrite")
        .flag("overwrite", "replace an earlier output of Ember's in --out once the new one is "
            + "complete")
        .option("horizon", "H", "10", "forecast steps past each sequence's end")
        .option("samples", "N", "200", "posterior draws per sequence")
        .option("quantiles", "Q,Q", "0.05,0.5,0.95", "quantiles reported, comma-separated")
        .option("seed", "S", "0", "seed of the draws")
        .option("show", "K", "5", "rows printed (lowest ids)")
        .option("master", "URL", null, "Spark master (default: spark-submit's, else local[*])")
        .repeated("conf", "KEY=VALUE", "a Spark setting")
        .option("log-level", "LEVEL", "WARN", "Spark's log level")
        .note("Output: one row per input sequence; z_* are arrays over the sequence's steps, "
            + "y_forecast_* over the h\nforecast steps. Quantile columns are named qNN "
            + "(0.05 -> q05, 0.5 -> q50, 0.975 -> q975).");
  }

  /**
   * The result.
   *
   * @param params the fit's params used
   * @param rows the output rows
   * @param out the Parquet output, qualified
   */
  public record Inference(Map<String, Tensor> params, long rows, String out) {}

  /**
   * Runs with {@code args} (see {@code --help}); a failure prints one line and exits
   * with status 2 (bad command line) or 1 ({@link Flags#runMain}).
   */
  public static void main(String[] args) {
    Flags.runMain("DatasetInference", args, () -> run(args, System.out));
  }

  /** The params of an AR(1) fit from {@code params.json}, every one the model and guide need. */
  static Map<String, Tensor> readParams(Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new Flags.UsageException("option --params: no file " + file + "; give the "
          + "params.json written by LocalLevelSpark or Train");
    }
    Map<String, Tensor> params = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : JobIo.readScalarParams(file).entrySet()) {
      params.put(e.getKey(), Tensor.scalar(e.getValue()));
    }
    List<String> missing = new ArrayList<>();
    for (String p : List.of("phi", "sigma", "tau", "q_prev", "q_y0", "q_y1", "q_y2", "q_scale",
        "q_first_y0", "q_first_y1", "q_first_y2", "q_first_scale", "q_last_prev", "q_last_y0",
        "q_last_scale", "q_penult_prev", "q_penult_y0", "q_penult_y1", "q_penult_scale")) {
      if (!params.containsKey(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw new Flags.UsageException("option --params: " + file + " lacks " + missing
          + "; expected the params of an AR(1) state-space fit (model ar1)");
    }
    return params;
  }

  /** Runs with {@code args}, printing to {@code out}; null when only the help was asked for. */
  public static Inference run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    Map<String, Tensor> params = readParams(Path.of(f.required("params")));
    String data = f.required("data");
    String format = f.choice("format", "parquet", "json", "csv");
    String outPath = f.required("out");
    int horizon = f.intValue("horizon", 1);
    int samples = f.intValue("samples", 2);
    long seed = f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    int show = f.intValue("show", 0);
    String[] qs = f.required("quantiles").split(",");
    double[] quantiles = new double[qs.length];
    for (int i = 0; i < qs.length; i++) {
      try {
        quantiles[i] = Double.parseDouble(qs[i].strip());
      } catch (NumberFormatException e) {
        throw new Flags.UsageException("option --quantiles needs numbers in (0, 1) separated by "
            + "commas, got '" + f.required("quantiles") + "'");
      }
    }
    SparkTransform.Options options;
    try {
      options = SparkTransform.options().samples(samples).quantiles(quantiles).horizon(horizon)
          .sites(Ar1StateSpace.LATENT).forecastSites("y").key(RngKey.of(seed));
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("option --quantiles: " + e.getMessage(), e);
    }

    SparkSession spark = JobIo.session("ember-dataset-inference", f.string("master"),
        f.all("conf"));
    try (OutputFolder outDir = OutputFolder.open("out", outPath, f.has("overwrite"),
        spark.sparkContext().hadoopConfiguration(), "inference-output")) {
      JavaSparkContext.fromSparkContext(spark.sparkContext()).setLogLevel(f.required("log-level"));
      out.printf(Locale.ROOT, "params: phi %.4f, sigma %.4f, tau %.4f (%s)%n",
          params.get("phi").item(), params.get("sigma").item(), params.get("tau").item(),
          f.required("params"));
      Dataset<Row> sequences = JobIo.read(spark, data, format);
      // a fitted model from the params alone: no losses, no state (the key is given in the
      // options)
      SparkSviModel fit = SparkSvi.builder(Ar1StateSpace.MODEL, Ar1StateSpace.GUIDE)
          .progress(false).build().model(params);
      long t0 = System.nanoTime();
      Dataset<Row> result = fit.transform(sequences, options).cache();
      try {
        // into the empty temporary folder of the output, which is then renamed into place
        result.write().mode(SaveMode.Append).parquet(outDir.stagingPath());
        long n = result.count();
        String where = outDir.commit();
        out.printf(Locale.ROOT, "transform: %d sequences, %d draws each, horizon %d, in %.1f s; "
            + "wrote %s%n", n, samples, horizon, (System.nanoTime() - t0) / 1e9, where);
        print(result, params.get("phi").item(), horizon, show, out);
        return new Inference(params, n, where);
      } finally {
        result.unpersist();
      }
    } finally {
      spark.stop();
    }
  }

  private static void print(Dataset<Row> result, double phi, int horizon, int show,
      PrintStream out) {
    if (show == 0) {
      return;
    }
    out.printf(Locale.ROOT, "%-6s %6s %10s %10s %12s %12s %10s %12s%n", "id", "length",
        "z_T mean", "z_T sd", "y_T+1 mean", "phi z_T", "y_T+1 sd", "y_T+" + horizon + " mean");
    for (Row r : result.orderBy("id").limit(show).collectAsList()) {
      List<Double> zm = r.getList(r.fieldIndex("z_mean"));
      List<Double> zs = r.getList(r.fieldIndex("z_sd"));
      List<Double> fm = r.getList(r.fieldIndex("y_forecast_mean"));
      List<Double> fs = r.getList(r.fieldIndex("y_forecast_sd"));
      double last = zm.get(zm.size() - 1);
      out.printf(Locale.ROOT, "%-6d %6d %10.4f %10.4f %12.4f %12.4f %10.4f %12.4f%n",
          r.getLong(r.fieldIndex("id")), zm.size(), last, zs.get(zs.size() - 1), fm.get(0),
          phi * last, fs.get(0), fm.get(horizon - 1));
    }
  }
}
