// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The params that evaluation and prediction run a fitted model with: the global params
 * (constrained), the per-series params' layout and values (a {@code Dataset}, one row per series,
 * kept where the fit left them), and the key of the fit's next step, the default key of their
 * draws.
 *
 * <pre>{@code
 * FittedParams f = model.fitted();
 * f.defaultKey();    // the fit's next step's key, or an error naming what to do
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
}
