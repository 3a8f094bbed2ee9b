// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The gradient checker itself: it passes right rules, and fails wrong ones and kinks. */
class GradCheckTest {

  /** x^2 with a hand-written rule {@code factor * x}: right for factor 2. */
  private static Function<Map<String, Tensor>, Tensor> square(double factor) {
    return p -> {
      Tensor x = p.get("x");
      return Autodiff.op(
              x.detach().square(), "square?",
              (g, grads) -> grads.add(0, g.mul(x).mul(factor)), x)
          .sum();
    };
  }

  @Test
  void aRightRulePassesWithATightTolerance() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(1.0, -2.0, 0.3));
    GradCheck.Report r = GradCheck.check(square(2.0), at);
    assertTrue(r.passed(), r.toString());
    assertEquals(3, r.checked());
    assertEquals(0, r.failed());
    // f = x^2 has f''' = 0: the central difference is exact up to rounding
    assertTrue(r.maxAbsError() < 1e-9, r.toString());
    assertTrue(r.worst().tolerance() < 1e-6, r.toString());
  }

  @Test
  void aRuleWrongByOnePartInAMillionFails() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(1.0, -2.0, 0.3));
    GradCheck.Report r = GradCheck.check(square(2.0 * (1 + 1e-6)), at);
    assertFalse(r.passed(), r.toString());
    assertEquals(3, r.failed());
  }

  @Test
  void theAssertionNamesTheWorstElement() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(1.0, 2.0));
    AssertionError e =
        assertThrows(AssertionError.class, () -> GradCheck.assertGradients(square(3.0), at));
    String expected =
        "gradient check failed: 2 of 2 elements failed; max |error| 2.00, max relative error"
            + " 0.333; worst: x[0] (x = 1.0000000000000000): autodiff 3.0000000";
    assertEquals(expected, e.getMessage().substring(0, expected.length()));
    assertTrue(e.getMessage().contains("vs finite difference 1.9999999999"), e.getMessage());
  }

  /** Near a kink the finite difference cannot decide: the element is unresolved, not passed. */
  @Test
  void elementsAtAKinkAreUnresolved() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(1e-6, 0.5));
    GradCheck.Report r = GradCheck.check(p -> p.get("x").abs().sum(), at);
    assertFalse(r.passed(), r.toString());
    assertEquals(1, r.failed());
    assertFalse(r.worst().resolved());
    assertEquals(0, r.worst().index());
    assertTrue(r.toString().contains("unresolved"), r.toString());
  }

  /**
   * A kink nearer to the point than the step: f(x) = 10 x + 0.1 max(x - k, 0) at x = 0.5, k = x
   * + 0.3 h. Both central differences straddle it almost alike, so their Richardson comparison
   * says little (0.1 * 0.3 / 4 = 0.0075, under 1e-3 of f' = 10), yet D(h) = 10 + 0.1 * 0.7 / 2 is
   * off the derivative 10 by 0.035, past its tolerance. The second differences over h and 2h
   * differ by 0.1 h (0.7 - 1.7 / 4), which no smooth function's do: the element is unresolved,
   * not a wrong rule.
   */
  @Test
  void aKinkNearerThanTheStepIsUnresolvedNotWrong() {
    double x0 = 0.5;
    double k = x0 + 0.3 * GradCheck.RELATIVE_STEP;
    GradCheck.Report r = GradCheck.check(p -> p.get("x").mul(10.0)
        .add(p.get("x").sub(k).maximum(Tensor.scalar(0.0)).mul(0.1)).sum(),
        Map.of("x", Tensor.of(x0)));
    assertFalse(r.passed(), r.toString());
    assertEquals(10.0, r.worst().analytic(), 0.0);
    assertEquals(10.035, r.worst().numeric(), 1e-6);
    assertFalse(r.worst().resolved(), r.toString());
    assertTrue(r.toString().contains("unresolved"), r.toString());
    // the same rule one step further from the kink is resolved, and passes
    assertTrue(GradCheck.check(p -> p.get("x").mul(10.0)
        .add(p.get("x").sub(k).maximum(Tensor.scalar(0.0)).mul(0.1)).sum(),
        Map.of("x", Tensor.of(x0 - 3 * GradCheck.RELATIVE_STEP))).passed());
  }

  @Test
  void nonFiniteGradientsFail() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(1.0));
    Function<Map<String, Tensor>, Tensor> nan =
        p -> {
          Tensor x = p.get("x");
          return Autodiff.op(x.detach(), "nan", (g, grads) -> grads.add(0, g.mul(Double.NaN)), x)
              .sum();
        };
    GradCheck.Report r = GradCheck.check(nan, at);
    assertFalse(r.passed());
    assertTrue(Double.isNaN(r.maxAbsError()));
  }

  /**
   * The tolerance follows the derivation: exp at x = 3 has f''' = e^3, so the truncation term
   * h^2/6 e^3 dominates, with h = eps^(1/3) * 3; the tolerance is SAFETY times the estimate.
   */
  @Test
  void theToleranceFollowsTheErrorModel() {
    Map<String, Tensor> at = Map.of("x", Tensor.of(3.0));
    GradCheck.Element el = GradCheck.check(p -> p.get("x").exp().sum(), at).worst();
    double h = GradCheck.RELATIVE_STEP * 3.0;
    double truncation = h * h / 6 * Math.exp(3.0);
    double rounding = GradCheck.ROUNDING_ULPS * Math.ulp(1.0) * Math.exp(3.0) * 3.0 / h;
    double expected = GradCheck.SAFETY * (truncation + rounding);
    assertEquals(expected, el.tolerance(), 0.05 * expected);
    assertTrue(el.absError() < truncation * 1.5, el.toString());
  }

  @Test
  void theRoundingAllowanceIsChecked() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradCheck.check(square(2.0), Map.of("x", Tensor.of(1.0)), 0.5));
    assertEquals("GradCheck: roundingUlps must be >= 1, but got 0.5", e.getMessage());
  }
}
