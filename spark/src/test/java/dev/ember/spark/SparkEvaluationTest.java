// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.GUIDE;
import static dev.ember.spark.SparkTestModels.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Handlers;
import dev.ember.infer.ElboEstimate;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Held-out ELBO over a Dataset against the single-JVM Trace ELBO of the whole dataset as one batch
 * (the same row keys): totals, likelihood and KL parts, per-row terms, partition invariance.
 */
@Timeout(300)
class SparkEvaluationTest {
  static SparkSession spark;
  static final int N = SparkSviTest.N;
  static final List<Row> ROWS = SparkSviTest.ROWS;

  @BeforeAll
  static void start() {
    spark = SparkTestModels.session("local[2]", "ember-evaluation-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi svi(int particles) {
    return SparkSvi.builder(MODEL, GUIDE).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .particles(particles).progress(false).build();
  }

  /**
   * Fitted params and the key of the next step, as a fit leaves them.
   *
   * @param params the constrained params
   * @param key the default key of evaluation and prediction
   */
  record Fit(Map<String, Tensor> params, RngKey key) {
    /** The model of {@code svi}'s configuration with these params. */
    SparkSviModel on(SparkSvi svi) {
      return svi.model(params, key);
    }
  }

  /** A fit at the initial state, its params moved off their initial values. */
  static Fit fit() {
    SviState state = SparkSviTest.initialState();
    Map<String, Tensor> params = new HashMap<>(SparkSviTest.svi().getParams(state));
    params.put("phi", Tensor.scalar(0.55));
    params.put("a", Tensor.scalar(0.9));
    params.put("c", Tensor.scalar(0.05));
    return resultOf(params, state);
  }

  /** A fit holding {@code params}, its key that of the step after {@code state}. */
  static Fit resultOf(Map<String, Tensor> params, SviState state) {
    return new Fit(params, state.key().split()[1]);
  }

  static long[] allIds() {
    return ROWS.stream().mapToLong(r -> r.getLong(0)).sorted().toArray();
  }

  /** The single-JVM estimate of rows {@code ids} as one batch, row-keyed. */
  static ElboEstimate single(Fit fit, RngKey key, int particles, long[] ids) {
    SequenceBatch batch = new ShardEngine(SparkSviTest.svi(), "series", Map.of())
        .batch(SparkSviTest.rowsOf(ids), N);
    return Autodiff.noGrad(() -> new RowKeyedTraceElbo(particles, "series").estimate(
        Handlers.substitute(MODEL, fit.params()), Handlers.substitute(GUIDE, fit.params()),
        batch, key));
  }

  static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), what);
  }

  @Test
  void theHeldOutElboIsTheSingleJvmElboOfAllRowsForAnyPartitioning() {
    Fit fit = fit();
    RngKey key = fit.key(); // the default: the fit's next step's key
    for (int particles : new int[] {1, 3}) {
      ElboEstimate ref = single(fit, key, particles, allIds());
      double refLl = ref.modelTerms().get("y").item();
      double refGlobal = ref.guideTerms().get("mu").item() - ref.modelTerms().get("mu").item();
      for (int p : new int[] {1, 3, 7}) {
        SparkEvaluation.Result r = fit.on(svi(particles)).evaluate(
            SparkTestModels.dataset(spark, ROWS, p));
        String at = particles + " particles, " + p + " partitions";
        close(ref.value(), r.loss(), "loss, " + at);
        close(refLl, r.logLikelihood(), "log-likelihood, " + at);
        close(ref.value() + refLl, r.kl(), "kl, " + at);
        close(refGlobal, r.globalLoss(), "global, " + at);
        assertEquals(r.kl() - r.logLikelihood(), r.loss(), 0.0);
        assertEquals(N, r.series());
        assertEquals(particles, r.particles());
        assertEquals(0, r.skippedRows());
      }
    }
    // an explicit key is used as given
    RngKey other = RngKey.of(99);
    close(single(fit, other, 1, allIds()).value(),
        fit.on(svi(1)).evaluate(SparkTestModels.dataset(spark, ROWS, 2), other).loss(), "key 99");
  }

  @Test
  void perRowTermsAreThoseOfEachRowAloneAndAddUpToTheTotal() {
    Fit fit = fit();
    SparkSviModel model = fit.on(svi(2));
    Dataset<Row> data = SparkTestModels.dataset(spark, ROWS, 3);
    SparkEvaluation.Result total = model.evaluate(data);
    Dataset<Row> rows = model.evaluateRows(data);
    assertEquals("struct<id:bigint,loss:double,log_likelihood:double,kl:double>",
        rows.schema().simpleString());
    List<Row> got = rows.collectAsList();
    assertEquals(N, got.size());
    double sum = 0;
    RngKey key = fit.key();
    for (Row r : got) {
      sum += r.getDouble(1);
      assertEquals(r.getDouble(3) - r.getDouble(2), r.getDouble(1), 0.0);
      if (r.getLong(0) % 5 == 0) {
        // the row alone: its local terms plus the global ones
        ElboEstimate alone = single(fit, key, 2, new long[] {r.getLong(0)});
        close(alone.value() - total.globalLoss(), r.getDouble(1), "row " + r.getLong(0));
        close(alone.modelTerms().get("y").item(), r.getDouble(2), "row " + r.getLong(0));
      }
    }
    close(total.loss(), sum + total.globalLoss(), "rows + global");
  }

  @Test
  void invalidRowsAreNamedOrSkippedAndCounted() {
    Fit fit = fit();
    List<Row> bad = new ArrayList<>(ROWS);
    bad.add(RowFactory.create(5L, Arrays.asList(0.1, Double.POSITIVE_INFINITY)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fit.on(svi(1)).evaluate(SparkTestModels.dataset(spark, bad, 2)));
    assertTrue(e.getMessage().contains("row id 5") && e.getMessage().contains("infinite"),
        e.getMessage());
    SparkEvaluation.Result skipped = fit.on(SparkSvi.builder(MODEL, GUIDE).skipInvalidRows(true)
        .progress(false).build()).evaluate(SparkTestModels.dataset(spark, bad, 2));
    assertEquals(1, skipped.skippedRows());
    assertEquals(N, skipped.series());
    close(fit.on(svi(1)).evaluate(SparkTestModels.dataset(spark, ROWS, 2)).loss(), skipped.loss(),
        "the skipped row changes nothing");
    SparkSviModel stateless = svi(1).model(fit.params());
    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
        () -> stateless.evaluate(SparkTestModels.dataset(spark, ROWS, 2)));
    assertTrue(noKey.getMessage().contains("give a key"), noKey.getMessage());
  }
}
