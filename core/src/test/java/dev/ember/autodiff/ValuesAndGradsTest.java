// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several outputs of one forward pass, each with its own gradient, equal separate passes. */
class ValuesAndGradsTest {
  @Test
  void eachOutputHasTheGradientOfItsOwnPass() {
    Map<String, Tensor> p = Map.of("x", Tensor.of(0.5, -1.5), "y", Tensor.scalar(2.0));
    List<ValueAndGrad> parts = Autodiff.valuesAndGrads(q -> {
      Tensor shared = q.get("x").mul(q.get("y")); // used by both outputs
      return new Tensor[] {shared.square().sum(), shared.sum().add(q.get("y")), Tensor.scalar(4.0)};
    }, p);
    // d/dx sum((x y)^2) = 2 x y^2; d/dy = 2 y sum(x^2)
    assertEquals(2 * 0.5 * 4, parts.get(0).grad().get("x").get(0), 1e-15);
    assertEquals(2 * 2.0 * (0.25 + 2.25), parts.get(0).grad().get("y").item(), 1e-15);
    // d/dx (sum(x y) + y) = y; d/dy = sum(x) + 1
    assertEquals(2.0, parts.get(1).grad().get("x").get(1), 1e-15);
    assertEquals(0.5 - 1.5 + 1, parts.get(1).grad().get("y").item(), 1e-15);
    assertEquals(4.0, parts.get(2).loss(), 0.0);
    assertEquals(0.0, parts.get(2).grad().get("y").item(), 0.0, "a constant output: zero gradients");
    assertEquals(4 * (0.25 + 2.25), parts.get(0).loss(), 1e-15); // y^2 sum(x^2)
  }
}
