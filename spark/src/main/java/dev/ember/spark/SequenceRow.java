// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * One validated sequence of the input: its id, its values and its covariates (per step: one value
 * per value; per series: a vector), and, when evaluating or predicting with a per-series fit, the
 * params fitted for it.
 *
 * <pre>{@code
 * SequenceRow r = new SequenceRow(7L, new double[] {0.1, 0.4}, Map.of());
 * }</pre>
 *
 * @param id the row id
 * @param values the sequence
 * @param covariates named covariates: per-step ones have the sequence's length
 * @param fitted its per-series params, constrained, by name ({@link SeriesParams}); empty unless
 *     a per-series fit's values were joined to it
 */
public record SequenceRow(long id, double[] values, Map<String, double[]> covariates,
    Map<String, double[]> fitted) implements Serializable {

  /** A row without fitted per-series params. */
  public SequenceRow(long id, double[] values, Map<String, double[]> covariates) {
    this(id, values, covariates, Map.of());
  }

  /** This row with {@code fitted} per-series params. */
  SequenceRow withFitted(Map<String, double[]> fitted) {
    return new SequenceRow(id, values, covariates, fitted);
  }
}
