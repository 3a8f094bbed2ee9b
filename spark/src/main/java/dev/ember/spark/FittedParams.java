// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The params that evaluation and prediction run a fitted model with: the global params
 * (constrained), the per-series params' layout and values (a {@code Dataset}, one row per series,
 * kept where the fit left them), and the key of the fit's next step, the default key of their
 * draws.
 *
 * <pre>{@code
 * FittedParams f = model.fitted();
 * f.defaultKey();    // the fit's next step's key, or an error naming what to do
 * f.attachTo(rows);  // the rows with their per-series params, joined by id
 * }</pre>
 *
 * @param params the global params, constrained
 * @param layout which params are per-series ({@link SeriesParams#none()} without)
 * @param seriesParams the per-series params, if any: id and one array column per param
 * @param nextKey the key of the fit's next step, or null if unknown
 */
record FittedParams(Map<String, Tensor> params, SeriesParams layout,
    Optional<Dataset<Row>> seriesParams, RngKey nextKey) {

  /** The key evaluation and prediction use unless given one. */
  RngKey defaultKey() {
    if (nextKey == null) {
      throw new IllegalArgumentException(
          "the fit has no state to take a key from; give a key explicitly");
    }
    return nextKey;
  }

  /**
   * {@code rows} with the per-series params this fit holds for them ({@link
   * SequenceRow#fitted}), joined by id (rows unchanged for a fit without per-series params).
   *
   * @throws IllegalArgumentException naming a row the fit does not cover (checked by a job now)
   */
  JavaRDD<SequenceRow> attachTo(JavaRDD<SequenceRow> rows) {
    if (layout.isEmpty()) {
      return rows;
    }
    List<String> names = layout.names();
    JavaPairRDD<Long, Map<String, double[]>> values = seriesParams.orElseThrow().javaRDD()
        .mapToPair(r -> {
          Map<String, double[]> m = new LinkedHashMap<>();
          for (String name : names) {
            List<Double> v = r.getList(r.fieldIndex(name));
            m.put(name, v.stream().mapToDouble(Double::doubleValue).toArray());
          }
          return new Tuple2<>(r.getLong(0), m);
        });
    JavaRDD<SequenceRow> joined = rows.mapToPair(r -> new Tuple2<>(r.id(), r))
        .leftOuterJoin(values)
        .map(t -> t._2()._2().isPresent() ? t._2()._1().withFitted(t._2()._2().get())
            : t._2()._1());
    List<SequenceRow> missing = joined.filter(r -> r.fitted().isEmpty()).take(1);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("series id " + missing.get(0).id() + " has no per-series "
          + "params " + names + " in the fit; a per-series guide has params only for the series "
          + "it was fitted on (evaluate or transform those, or fit an amortized guide)");
    }
    return joined;
  }
}
