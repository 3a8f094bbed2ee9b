// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks around a group's update of per-series params: a value that the update made
 * non-finite is named by its param and series, wherever it sits in the group's series-major
 * layout; only the per-series params' gradients are asked whether they are finite.
 */
class SeriesUpdateTest {

  /** Two per-series params: a slice of 3 steps and one of 2 values, so W = 5, offsets 0, 3, 5. */
  private static final SeriesParams LOCAL = SeriesParams.of(List.of(
      new SeriesParams.Local("z_loc", 1, Shape.of(3), 0, Constraints.real()),
      new SeriesParams.Local("w", 0, Shape.of(2), -1, Constraints.real())), 3);

  private static final long[] IDS = {11L, 42L};

  @Test
  void finiteValuesPass() {
    double[] v = new double[2 * 5];
    Arrays.fill(v, -1e300);
    SeriesUpdate.requireFinite(v, IDS, 5, LOCAL, 7);
  }

  @Test
  void aValueNoLongerFiniteNamesItsParamAndSeries() {
    // [k * W + offset(p) + e]: series 1 (id 42), param w (offset 3), element 1 -> 5 + 3 + 1
    double[] v = new double[2 * 5];
    v[9] = Double.NaN;
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> SeriesUpdate.requireFinite(v, IDS, 5, LOCAL, 7));
    assertEquals("SparkSvi step 7: per-series param 'w' of series id 42 is no longer finite after"
        + " the optimizer's update (its loss and gradient were finite); lower the learning rate"
        + " or clip the gradient", e.getMessage());
    // series 0 (id 11), param z_loc, its last element: 0 + 0 + 2
    double[] u = new double[2 * 5];
    u[2] = Double.POSITIVE_INFINITY;
    e = assertThrows(ArithmeticException.class,
        () -> SeriesUpdate.requireFinite(u, IDS, 5, LOCAL, 3));
    assertTrue(e.getMessage().startsWith("SparkSvi step 3: per-series param 'z_loc' of series id"
        + " 11 "), e.getMessage());
    // the first param's first element of the second series: 5 + 0 + 0
    double[] w = new double[2 * 5];
    w[5] = Double.NEGATIVE_INFINITY;
    e = assertThrows(ArithmeticException.class,
        () -> SeriesUpdate.requireFinite(w, IDS, 5, LOCAL, 3));
    assertTrue(e.getMessage().contains("'z_loc' of series id 42 "), e.getMessage());
  }

  @Test
  void onlyThePerSeriesParamsGradientsAreAsked() {
    Tensor finite = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(3, 2)); // [T, b]
    Tensor w = Tensor.of(new double[] {0.5, -0.5, 1, 2}, Shape.of(2, 2)); // [2, b]
    Tensor bad = Tensor.of(new double[] {1, Double.NaN}, Shape.of(2));
    // a global param's gradient is the driver's to check, with the step's loss
    assertTrue(SeriesUpdate.finiteLocal(Map.of("z_loc", finite, "w", w, "phi", bad), LOCAL));
    assertFalse(SeriesUpdate.finiteLocal(Map.of("z_loc", finite, "w",
        Tensor.of(new double[] {0.5, Double.POSITIVE_INFINITY, 1, 2}, Shape.of(2, 2))), LOCAL));
    assertFalse(SeriesUpdate.finiteLocal(Map.of("z_loc", Tensor.of(new double[] {1, 2, 3, 4,
        Double.NaN, 6}, Shape.of(3, 2)), "w", w), LOCAL));
  }
}
