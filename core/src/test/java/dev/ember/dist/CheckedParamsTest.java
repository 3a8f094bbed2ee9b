// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Distribution#withCheckedParams}: the same distribution as {@link
 * Distribution#withParams} for parameters that already passed the family's checks, with shapes
 * still checked and the element checks back on for everything built afterwards.
 */
class CheckedParamsTest {
  private static final Tensor X = Tensor.of(0.5, 1.5, 2.5);

  @Test
  void sameDistributionAsWithParams() {
    List<Distribution> ds = List.of(
        Normal.of(Tensor.of(0.0, 1.0, -1.0), Tensor.of(1.0, 2.0, 0.5)),
        Gamma.of(Tensor.of(2.0, 3.0, 0.5), Tensor.scalar(1.5)),
        Poisson.of(Tensor.of(1.0, 2.0, 3.0)),
        Normal.of(Tensor.of(0.0, 1.0, -1.0), Tensor.scalar(2.0)).mask(Tensor.ofBooleans(true, false, true)));
    for (Distribution d : ds) {
      Map<String, Tensor> p = d.params();
      Distribution checked = d.withCheckedParams(p);
      assertEquals(d.getClass(), checked.getClass());
      assertEquals(d.batchShape(), checked.batchShape());
      assertArrayEquals(d.withParams(p).logProb(X).toArray(), checked.logProb(X).toArray(), 0.0,
          d.name());
    }
  }

  @Test
  void shapesAreStillChecked() {
    Distribution d = Normal.of(0.0, 1.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.withCheckedParams(Map.of("loc", Tensor.zeros(2), "scale", Tensor.ones(3))));
    assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
  }

  @Test
  void elementChecksAreBackOnAfterwardsEvenAfterAFailure() {
    Distribution d = Normal.of(0.0, 1.0);
    assertThrows(IllegalArgumentException.class,
        () -> d.withCheckedParams(Map.of("loc", Tensor.zeros(2), "scale", Tensor.ones(3))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Normal.of(0.0, -1.0));
    assertEquals("Normal: scale must be positive and finite, but got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.withParams(
        Map.of("loc", Tensor.scalar(Double.NaN), "scale", Tensor.scalar(1.0))));
  }

  @Test
  void expandBroadcastsTheAcceptedParameters() {
    Distribution d = Gamma.of(Tensor.of(2.0, 3.0, 0.5), Tensor.scalar(1.5));
    Distribution e = d.expand(Shape.of(4, 3));
    assertEquals(Shape.of(4, 3), e.batchShape());
    Distribution built = Gamma.of(
        Tensor.of(2.0, 3.0, 0.5).broadcastTo(Shape.of(4, 3)), Tensor.full(1.5, 4, 3));
    assertArrayEquals(built.logProb(X).toArray(), e.logProb(X).toArray(), 0.0);
  }
}
