// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.spark.SparkTestModels.GUIDE;
import static dev.ember.spark.SparkTestModels.MODEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Predictive;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * transform over a Dataset: a row's summaries equal those of the row alone on one JVM, whatever
 * the partitioning and batching; AR(1) forecasts of a pinned guide follow the closed form; the
 * declared schema; errors for bad input and a wrong horizon.
 */
@Timeout(300)
@SuppressWarnings("try") // plates are entered for their effect
class SparkTransformTest {
  static SparkSession spark;
  static final int N = SparkSviTest.N;
  static final List<Row> ROWS = SparkSviTest.ROWS;

  @BeforeAll
  static void start() {
    spark = SparkTestModels.session("local[2]", "ember-transform-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi svi(Model<SequenceBatch> model, Model<SequenceBatch> guide) {
    return SparkSvi.builder(model, guide).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .progress(false).build();
  }

  static SparkEvaluationTest.Fit fit(Map<String, Double> overrides) {
    SviState state = SparkSviTest.initialState();
    Map<String, Tensor> params = new HashMap<>(SparkSviTest.svi().getParams(state));
    overrides.forEach((k, v) -> params.put(k, Tensor.scalar(v)));
    return SparkEvaluationTest.resultOf(params, state);
  }

  static double[] array(Row r, String column) {
    List<Double> l = r.getList(r.fieldIndex(column));
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static Map<Long, Row> byId(List<Row> rows) {
    Map<Long, Row> m = new HashMap<>();
    for (Row r : rows) {
      assertTrue(m.put(r.getLong(0), r) == null, "id " + r.getLong(0) + " twice");
    }
    return m;
  }

  /** Type-7 quantile of {@code x}, computed here independently (sorted copy, linear). */
  static double quantile(double[] x, double q) {
    double[] s = x.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) pos;
    return lo + 1 < s.length ? s[lo] * (1 - (pos - lo)) + s[lo + 1] * (pos - lo) : s[lo];
  }

  @Test
  void aRowsSummariesAreThoseOfTheRowAloneForAnyPartitioningAndBatching() {
    SparkEvaluationTest.Fit fit = fit(Map.of("phi", 0.6, "a", 0.9, "sz", 0.2));
    RngKey key = RngKey.of(17);
    int s = 40;
    int h = 3;
    SparkTransform.Options o = SparkTransform.options().samples(s).quantiles(0.05, 0.5, 0.975)
        .horizon(h).key(key);
    SparkSvi svi = svi(MODEL, GUIDE);
    // batches of 5 rows of mixed lengths (T - id % 3) on 3 partitions, and one batch of all
    Dataset<Row> out = fit.on(svi).transform(SparkTestModels.dataset(spark, ROWS, 3), o.rowsPerBatch(5));
    List<String> cols = List.of("id", "z_mean", "z_sd", "z_q05", "z_q50", "z_q975",
        "y_forecast_mean", "y_forecast_sd", "y_forecast_q05", "y_forecast_q50", "y_forecast_q975");
    StructType expected = new StructType().add("id", DataTypes.LongType, false);
    for (String c : cols.subList(1, cols.size())) {
      expected = expected.add(c, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    }
    assertEquals(expected, out.schema());
    Map<Long, Row> got = byId(out.collectAsList());
    Map<Long, Row> oneBatch = byId(fit.on(svi).transform(SparkTestModels.dataset(spark, ROWS, 1),
        SparkTransform.options().samples(s).quantiles(0.05, 0.5, 0.975).horizon(h).key(key))
        .collectAsList());
    assertEquals(N, got.size());
    Set<Long> ids = new HashSet<>();
    ROWS.forEach(r -> ids.add(r.getLong(0)));
    assertEquals(ids, got.keySet());
    for (Row r : got.values()) {
      for (String c : cols.subList(1, cols.size())) {
        assertArrayEquals(array(oneBatch.get(r.getLong(0)), c), array(r, c), 0.0,
            "row " + r.getLong(0) + " " + c + ": the same bits in any batch");
      }
    }
    // three rows of the three lengths, recomputed alone on one JVM
    for (long id : new long[] {1000, 1007, 1014}) {
      SequenceRow row = SparkSviTest.rowsOf(new long[] {id}).get(0);
      int t = row.values().length;
      SequenceBatch alone = SequenceBatch.of(new long[] {id}, new double[][] {row.values()}, N)
          .withHorizon(h);
      Map<String, Tensor> draws = Predictive.of(SequenceForecast.model(MODEL, "series"),
              SequenceForecast.guide(GUIDE), s)
          .seeding((m, d, k) -> Handlers.seedRows(m, k, "series", d.ids()))
          .returnSites("z", "y")
          .run(key, alone, fit.params());
      Tensor z = draws.get("z"); // [S, T + h, 1]
      Tensor y = draws.get("y");
      assertEquals(t, array(got.get(id), "z_mean").length);
      assertEquals(h, array(got.get(id), "y_forecast_mean").length);
      check(got.get(id), "z_", z, 0, t);
      check(got.get(id), "y_forecast_", y, t, t + h);
    }
  }

  /** The row's columns {@code prefix*} against the draws' steps from .. to, computed here. */
  static void check(Row row, String prefix, Tensor draws, int from, int to) {
    int s = draws.dim(0);
    for (int step = from; step < to; step++) {
      double[] x = new double[s];
      for (int i = 0; i < s; i++) {
        x[i] = draws.get(i, step, 0);
      }
      double mean = Arrays.stream(x).sum() / s;
      double var = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (s - 1);
      int j = step - from;
      String at = "row " + row.getLong(0) + " " + prefix + " step " + step;
      assertEquals(mean, array(row, prefix + "mean")[j], 1e-12, at);
      assertEquals(Math.sqrt(var), array(row, prefix + "sd")[j], 1e-12, at);
      assertEquals(quantile(x, 0.05), array(row, prefix + "q05")[j], 1e-12, at);
      assertEquals(quantile(x, 0.5), array(row, prefix + "q50")[j], 1e-12, at);
      assertEquals(quantile(x, 0.975), array(row, prefix + "q975")[j], 1e-12, at);
    }
  }

  @Test
  void forecastsOfAPinnedAr1FollowTheClosedForm() {
    // guide pinned at z = y (a = 1, c = 0, sz ~ 0) and mu = 0: y_{T-1+k} | z_{T-1} is normal with
    // mean phi^k z_{T-1} and variance sigma^2 (1 - phi^2k) / (1 - phi^2) + tau^2
    double phi = 0.7;
    double sigma = 0.5;
    double tau = 0.3;
    SparkEvaluationTest.Fit fit = fit(Map.of("phi", phi, "sigma", sigma, "tau", tau, "m", 0.0,
        "s", 1e-9, "a", 1.0, "c", 0.0, "sz", 1e-9));
    int s = 400;
    int h = 4;
    List<Row> out = fit.on(svi(MODEL, GUIDE)).transform(SparkTestModels.dataset(spark, ROWS, 2),
        SparkTransform.options().samples(s).horizon(h).key(RngKey.of(3))).collectAsList();
    assertEquals(N, out.size());
    double z05 = 1.6448536269514722; // Phi^-1(0.95)
    for (Row r : out) {
      SequenceRow row = SparkSviTest.rowsOf(new long[] {r.getLong(0)}).get(0);
      double[] y = row.values();
      double last = y[y.length - 1];
      double[] zMean = array(r, "z_mean");
      double[] zSd = array(r, "z_sd");
      for (int t = 0; t < y.length; t++) {
        assertEquals(y[t], zMean[t], 1e-7, "the pinned guide's z is y");
        assertTrue(zSd[t] < 1e-7, "pinned: sd " + zSd[t]);
      }
      for (int k = 1; k <= h; k++) {
        double sd = Math.sqrt(sigma * sigma * (1 - Math.pow(phi, 2 * k)) / (1 - phi * phi)
            + tau * tau);
        double mean = Math.pow(phi, k) * last;
        String at = "row " + r.getLong(0) + ", k = " + k;
        // standard errors of n normal draws: mean sd/sqrt(n); sd sd/sqrt(2(n-1)); a quantile
        // sqrt(q(1-q)/n) / density at the quantile
        double seQ = Math.sqrt(0.05 * 0.95 / s)
            / (Math.exp(-z05 * z05 / 2) / Math.sqrt(2 * Math.PI) / sd);
        assertEquals(mean, array(r, "y_forecast_mean")[k - 1], 4 * sd / Math.sqrt(s), at);
        assertEquals(sd, array(r, "y_forecast_sd")[k - 1], 4 * sd / Math.sqrt(2.0 * (s - 1)), at);
        assertEquals(mean - z05 * sd, array(r, "y_forecast_q05")[k - 1], 4 * seQ, at);
        assertEquals(mean + z05 * sd, array(r, "y_forecast_q95")[k - 1], 4 * seQ, at);
      }
    }
  }

  @Test
  void withoutAHorizonOnlyLatentsAreSummarizedAndSitesCanBeChosen() {
    SparkEvaluationTest.Fit fit = fit(Map.of());
    Dataset<Row> out = fit.on(svi(MODEL, GUIDE)).transform(SparkTestModels.dataset(spark, ROWS, 2),
        SparkTransform.options().samples(5).quantiles().sites("z"));
    assertEquals(List.of("id", "z_mean", "z_sd"), Arrays.asList(out.schema().fieldNames()));
    assertEquals(N, out.count());
  }

  @Test
  void badInputAndAWrongHorizonAreErrors() {
    SparkEvaluationTest.Fit fit = fit(Map.of());
    SparkSvi svi = svi(MODEL, GUIDE);
    Dataset<Row> data = SparkTestModels.dataset(spark, ROWS, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkTransform.options().horizon(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SparkTransform.options().samples(1));
    assertThrows(IllegalArgumentException.class, () -> SparkTransform.options().quantiles(1.0));
    assertThrows(IllegalArgumentException.class,
        () -> SparkTransform.options().quantiles(0.5, 0.50));
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi).transform(data,
        SparkTransform.options().forecastSites("y")));
    assertTrue(e.getMessage().contains("horizon"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi).transform(data,
        SparkTransform.options().sites("nope")));
    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[z]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi).transform(data,
        SparkTransform.options().horizon(2).forecastSites("z")));
    assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("[y]"), e.getMessage());
    // a guide that draws the horizon too: the model would not draw it
    Model<SequenceBatch> longGuide = batch -> {
      try (Plate p = plate("series", batch.size())) {
        sampleOverTime("z", Normal.of(Tensor.zeros(batch.steps() + 2, batch.size()),
            Tensor.scalar(1.0)));
      }
    };
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi(MODEL, longGuide))
        .transform(data, SparkTransform.options().horizon(2)));
    assertTrue(e.getMessage().contains("guide's site 'z'") && e.getMessage().contains("history"),
        e.getMessage());
    // a model whose scan does not follow the batch's steps cannot forecast
    Model<SequenceBatch> fixed = batch -> MODEL.run(batch.history());
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi(fixed, GUIDE))
        .transform(data, SparkTransform.options().horizon(2)));
    assertTrue(e.getMessage().contains("model's site") && e.getMessage().contains("horizon"),
        e.getMessage());
    // per-step covariates have no future values
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(SparkSvi.builder(MODEL, GUIDE)
        .perStepCovariate("x").progress(false).build())
        .transform(data, SparkTransform.options().horizon(1)));
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    // invalid rows, as for fit
    List<Row> bad = new ArrayList<>(ROWS);
    bad.add(RowFactory.create(5L, Arrays.asList(0.1, Double.NaN)));
    e = assertThrows(IllegalArgumentException.class, () -> fit.on(svi).transform(
        SparkTestModels.dataset(spark, bad, 2), SparkTransform.options()));
    assertTrue(e.getMessage().contains("row id 5") && e.getMessage().contains("NaN"),
        e.getMessage());
  }
}
