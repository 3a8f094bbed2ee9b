// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.Ar1Data;
import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.JobIo;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tiny LocalLevelSpark fit, then DatasetInference on new sequences, on local[2]. */
class DatasetInferenceTest {
  static final int NEW = 40;
  static final int SAMPLES = 100;
  static final int HORIZON = 3;

  /**
   * What the example promises, checked against the AR(1) recursion with tolerances from the
   * draws: one output row per new sequence, with the sequence's length of z summaries and
   * HORIZON forecast steps; the forecast of y at step h is phi^h z_{T-1} plus noise independent
   * of z_{T-1}, so the mean of the draws differs from phi^h times the mean of z_{T-1}'s draws by
   * a mean of S noise draws, whose sd is at most y_forecast_sd[h] / sqrt(S) (if the summaries and
   * the forecast share their draws of z_{T-1}; sqrt(y_sd^2 + phi^2h z_sd^2) / sqrt(S) if not, the
   * bound used): each row within 4.5 of those. The guide's mean of z_{T-1} is also known in
   * closed form (its linear recursion, {@link Ar1StateSpace#forecast}): within 4.5 z_sd /
   * sqrt(S). Where phi z_{T-1} is clear of
   * that noise, the forecast mean has its sign.
   */
  @Test
  @Timeout(120)
  void oneRowPerSequenceWithForecastsThatFollowTheRecursion(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    LocalLevelSpark.run(new String[] {"--series", "200", "--length", "20", "--steps", "40",
        "--batch-size", "100", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--out", dir.resolve("fit").toString(), "--forecast-series", "0"}, out);

    // new sequences of lengths 10, 20 and 30 as JSON lines, another data seed (few lengths:
    // transform batches rows of one length together)
    Ar1Data data = Ar1Data.generate(NEW, 30, 0.8, 0.5, 0.3, 777L);
    StringBuilder json = new StringBuilder();
    List<double[]> ys = new ArrayList<>();
    for (int i = 0; i < NEW; i++) {
      double[] y = java.util.Arrays.copyOf(data.yRows()[i], 10 + 10 * (i % 3));
      ys.add(y);
      json.append("{\"id\": ").append(1000 + i).append(", \"values\": ")
          .append(java.util.Arrays.toString(y)).append("}\n");
    }
    JobIo.write(dir.resolve("new.json"), json.toString());

    String outPath = dir.resolve("posterior.parquet").toString();
    DatasetInference.Inference inf = DatasetInference.run(new String[] {"--params",
        dir.resolve("fit/params.json").toString(), "--data", dir.resolve("new.json").toString(),
        "--format", "json", "--out", outPath, "--horizon", Integer.toString(HORIZON),
        "--samples", Integer.toString(SAMPLES), "--master", "local[2]", "--conf",
        "spark.ui.enabled=false"}, out);
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(NEW, inf.rows(), printed);
    assertTrue(printed.contains("y_T+1 mean"), printed);
    Map<String, Tensor> params = inf.params();
    double phi = params.get("phi").item();

    SparkSession spark = SparkSession.builder().master("local[2]")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = spark.read().parquet(outPath).collectAsList();
      assertEquals(NEW, rows.size());
      Set<Long> ids = new HashSet<>();
      int signed = 0;
      for (Row r : rows) {
        long id = r.getLong(r.fieldIndex("id"));
        assertTrue(ids.add(id), "id " + id + " twice");
        double[] y = ys.get((int) (id - 1000));
        List<Double> zm = r.getList(r.fieldIndex("z_mean"));
        List<Double> zs = r.getList(r.fieldIndex("z_sd"));
        List<Double> fm = r.getList(r.fieldIndex("y_forecast_mean"));
        List<Double> fs = r.getList(r.fieldIndex("y_forecast_sd"));
        assertEquals(y.length, zm.size());
        assertEquals(List.of(HORIZON, HORIZON, HORIZON), List.of(fm.size(), fs.size(),
            r.getList(r.fieldIndex("y_forecast_q50")).size()));
        double zLast = zm.get(y.length - 1);
        double zSd = zs.get(y.length - 1);
        Ar1StateSpace.Forecast exact = Ar1StateSpace.forecast(params, id, y, HORIZON);
        assertEquals(exact.level(), zLast, 4.5 * zSd / Math.sqrt(SAMPLES), "id " + id);
        for (int h = 1; h <= HORIZON; h++) {
          double b = Math.pow(phi, h) * zSd;
          double tol = 4.5 * Math.sqrt(fs.get(h - 1) * fs.get(h - 1) + b * b) / Math.sqrt(SAMPLES);
          assertEquals(Math.pow(phi, h) * zLast, fm.get(h - 1), tol, "id " + id + ", h " + h);
        }
        if (Math.abs(phi * zLast) > 4.5 * fs.get(0) / Math.sqrt(SAMPLES)) {
          assertEquals(Math.signum(phi * zLast), Math.signum(fm.get(0)), "id " + id);
          signed++;
        }
      }
      assertTrue(signed > 0, "some forecasts are clear of the noise");
      assertTrue(ids.containsAll(List.of(1000L, 1000L + NEW - 1)));
    } finally {
      spark.stop();
    }
  }

  @Test
  void helpAndMissingParams(@TempDir Path dir) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertNull(DatasetInference.run(new String[] {"--help"},
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String o : List.of("--params", "--data", "--format", "--out", "--horizon", "--samples",
        "--quantiles")) {
      assertTrue(help.contains(o), o + " in\n" + help);
    }
    JobIo.write(dir.resolve("p.json"), "{\n  \"phi\": 0.8\n}\n");
    Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> DatasetInference.run(
        new String[] {"--params", dir.resolve("p.json").toString(), "--data", "x"}, System.out));
    assertTrue(e.getMessage().contains("lacks [sigma, tau, q_prev"), e.getMessage());
    e = assertThrows(Flags.UsageException.class, () -> DatasetInference.run(
        new String[] {"--params", dir.resolve("none.json").toString(), "--data", "x"},
        System.out));
    assertTrue(e.getMessage().startsWith("option --params: no file"), e.getMessage());
  }
}
