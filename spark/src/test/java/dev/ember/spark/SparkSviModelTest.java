// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.spark.SparkTestModels.GUIDE;
import static dev.ember.spark.SparkTestModels.MODEL;
import static dev.ember.spark.SparkTestModels.SERIES_GUIDE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Trace;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fitted model: what it learnt about its data (fingerprint and value statistics against those
 * computed here from the rows), save and load (a loaded model evaluates and predicts bit for bit
 * as the fitted one), a step that is not finite naming its series and sites, and a shard refusing
 * a thread with handlers left open.
 */
@Timeout(300)
class SparkSviModelTest {
  static SparkSession spark;
  static final List<Row> ROWS = SparkSviTest.ROWS;

  @BeforeAll
  static void start() {
    spark = SparkTestModels.session("local[2]", "ember-model-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SparkSvi svi(Model<SequenceBatch> guide) {
    return SparkSvi.builder(MODEL, guide).optimizer(Adam.of(0.05)).batchSize(8).seed(5)
        .progress(false).build();
  }

  /** The rows with every value moved by {@code shift} and series {@code id}'s step 2 set to {@code v}. */
  static List<Row> changed(double shift, long id, double v) {
    List<Row> out = new ArrayList<>();
    for (SequenceRow r : SparkSviTest.rowsOf(ROWS.stream().mapToLong(x -> x.getLong(0)).toArray())) {
      List<Double> values = new ArrayList<>();
      for (int t = 0; t < r.values().length; t++) {
        values.add(r.id() == id && t == 2 ? v : r.values()[t] + shift);
      }
      out.add(RowFactory.create(r.id(), values));
    }
    return out;
  }

  @Test
  void aFitKnowsItsDataAndWarnsWhenTheyAreFarFromTheUnitScale() {
    List<Row> far = changed(1e6, -1, 0);
    SparkSviModel fit = svi(GUIDE).fit(SparkTestModels.dataset(spark, far, 3), 1);
    DataFingerprint fingerprint = DataFingerprint.empty();
    ValueStats values = ValueStats.empty();
    for (SequenceRow r : SparkSviTest.rowsOf(far.stream().mapToLong(x -> x.getLong(0)).toArray(),
        far)) {
      fingerprint = fingerprint.add(r);
      values = values.add(r.values());
    }
    assertEquals(fingerprint, fit.fingerprint().orElseThrow());
    assertEquals(24, fit.series());
    String w = fit.dataWarning().orElseThrow();
    assertTrue(w.contains(String.format(Locale.ROOT, "mean %.6g", values.mean()))
        && w.contains(String.format(Locale.ROOT, "sd %.6g", values.sd())), w);
    SparkSviModel unit = svi(GUIDE).fit(SparkTestModels.dataset(spark, ROWS, 3), 1);
    assertTrue(unit.dataWarning().isEmpty(), unit.dataWarning().toString());
  }

  /**
   * One value of 1e300 is finite, so the data pass validation; the first step whose minibatch
   * holds its series is not finite, and the error names the series and the observation site, for
   * global and for per-series params alike.
   */
  @Test
  void aStepThatIsNotFiniteNamesItsSeriesAndSites() {
    Dataset<Row> data = SparkTestModels.dataset(spark, changed(0, 1035, 1e300), 3);
    for (Model<SequenceBatch> guide : List.of(GUIDE, SERIES_GUIDE)) {
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> svi(guide).fit(data, 12));
      assertTrue(e.getMessage().contains("series id 1035") && e.getMessage().contains("site 'y'")
          && e.getMessage().contains("not finite"), e.getMessage());
      assertTrue(!e.getMessage().contains("series id 1000:"), "only the culprit is named: "
          + e.getMessage());
    }
  }

  @Test
  @SuppressWarnings("try") // the trace is left open on purpose
  void aShardRefusesAThreadWithHandlersLeftOpen() {
    ShardEngine engine = new ShardEngine(SparkSviTest.svi(), "series", Map.of());
    List<SequenceRow> rows = SparkSviTest.rowsOf(new long[] {1000});
    dev.ember.infer.SviState state = SparkSviTest.initialState();
    Trace leaked = Handlers.trace();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> engine.compute(0, rows, state, RngKey.of(1), 24, 1, 0));
      assertTrue(e.getMessage().contains("handler stack is not empty")
          && e.getMessage().contains("Trace"), e.getMessage());
    } finally {
      leaked.close();
    }
    // on a clean thread the same computation runs
    assertEquals(1, engine.compute(0, rows, state, RngKey.of(1), 24, 1, 0).rows());
  }

  @Test
  void aSavedModelLoadsAndPredictsAsTheFittedOne(@TempDir Path dir) {
    Dataset<Row> data = SparkTestModels.dataset(spark, ROWS, 3);
    for (Model<SequenceBatch> guide : List.of(GUIDE, SERIES_GUIDE)) {
      SparkSviModel fit = svi(guide).fit(data, 4);
      String path = dir.resolve(guide == GUIDE ? "amortized" : "per-series").toString();
      fit.save(path);
      SparkSviModel loaded = SparkSviModel.load(spark, path, MODEL, guide);
      assertEquals(fit.params().keySet(), loaded.params().keySet());
      for (String k : fit.params().keySet()) {
        assertArrayEquals(fit.params().get(k).toArray(), loaded.params().get(k).toArray(), 0.0, k);
      }
      assertArrayEquals(fit.losses(), loaded.losses(), 0.0);
      assertEquals(fit.fingerprint(), loaded.fingerprint());
      assertEquals(fit.series(), loaded.series());
      assertEquals(fit.batchSize(), loaded.batchSize());
      assertEquals(fit.evaluate(data).loss(), loaded.evaluate(data).loss(), 0.0);
      SparkTransform.Options o = SparkTransform.options().samples(5).horizon(2);
      assertEquals(sorted(fit.transform(data, o)), sorted(loaded.transform(data, o)));
      if (guide == SERIES_GUIDE) {
        assertEquals(sorted(fit.seriesParams().orElseThrow()),
            sorted(loaded.seriesParams().orElseThrow()));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> fit.save(path));
      assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }
  }

  /** The rows as text, by id: equal doubles print equally. */
  static List<String> sorted(Dataset<Row> d) {
    List<Row> rows = new ArrayList<>(d.collectAsList());
    rows.sort(Comparator.comparingLong(r -> r.getLong(0)));
    return rows.stream().map(Row::toString).toList();
  }
}
