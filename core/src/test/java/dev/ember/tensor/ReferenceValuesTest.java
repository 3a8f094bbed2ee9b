// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Special functions and linear algebra against 50-digit mpmath values from
 * {@code tools/reference/tensor_reference.py} (its command is in the resource's header).
 *
 * <p>Tolerances: Commons Numbers documents a few ulp for logGamma, digamma, erf and erfinv away
 * from their zeros and poles, so values are compared at 1e-14 relative (about 45 ulp) with a 1e-15
 * absolute floor for results near 0. Trigamma is the exception: Commons Numbers evaluates it with
 * a truncated asymptotic series from x = 5 on, whose relative error against mpmath reaches 2.1e-12
 * at x = 30 on these points, so it is compared at 5e-12 (ample for its use, the second derivative
 * of logGamma; a wrong value would be off by far more). The linear algebra of a well-conditioned
 * 4 x 4 matrix (condition number below 10) loses at most a few digits: 1e-13.
 */
class ReferenceValuesTest {

  private static List<String[]> rows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    ReferenceValuesTest.class.getResourceAsStream(
                        "/reference/tensor-reference.txt")),
                StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#") && !line.isBlank()) {
          rows.add(line.trim().split("\\s+"));
        }
      }
    }
    return rows;
  }

  private static void check(String fn, double x, double expected, double actual, double rel) {
    double tol = Math.max(1e-15, rel * Math.abs(expected));
    assertEquals(expected, actual, tol, fn + "(" + x + ")");
  }

  @Test
  void specialFunctions() throws IOException {
    int checked = 0;
    for (String[] row : rows()) {
      UnaryOperator<Tensor> f;
      double rel = 1e-14;
      switch (row[0]) {
        case "logGamma":
          f = Tensor::logGamma;
          break;
        case "digamma":
          f = Tensor::digamma;
          break;
        case "trigamma":
          f = Tensor::trigamma;
          rel = 5e-12;
          break;
        case "erf":
          f = Tensor::erf;
          break;
        case "erfinv":
          f = Tensor::erfinv;
          break;
        default:
          continue;
      }
      double x = Double.parseDouble(row[1]);
      check(row[0], x, Double.parseDouble(row[2]), f.apply(Tensor.scalar(x)).item(), rel);
      checked++;
    }
    assertEquals(8 * 3 + 6 + 6, checked, "every reference row was used");
  }

  @Test
  void linearAlgebra() throws IOException {
    Tensor a =
        Tensor.of(
            new double[][] {
              {4.0, 1.2, -0.5, 0.3}, {1.2, 3.0, 0.7, -0.2}, {-0.5, 0.7, 2.5, 0.4},
              {0.3, -0.2, 0.4, 1.8}
            });
    Tensor b = Tensor.of(new double[][] {{1.0, -2.0}, {0.5, 0.0}, {-1.5, 3.0}, {2.0, 1.0}});
    Tensor l = a.cholesky();
    Tensor x = l.triangularSolve(b, true);
    int checked = 0;
    for (String[] row : rows()) {
      switch (row[0]) {
        case "cholesky":
          assertEquals(
              Double.parseDouble(row[3]),
              l.get(Integer.parseInt(row[1]), Integer.parseInt(row[2])),
              1e-13);
          checked++;
          break;
        case "solveLower":
          assertEquals(
              Double.parseDouble(row[3]),
              x.get(Integer.parseInt(row[1]), Integer.parseInt(row[2])),
              1e-13);
          checked++;
          break;
        case "logDet":
          assertEquals(Double.parseDouble(row[1]), a.logDet().item(), 1e-13);
          checked++;
          break;
        default:
          break;
      }
    }
    assertTrue(checked == 16 + 8 + 1, "rows checked: " + checked);
  }
}
