// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ember.autodiff.Autodiff;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The log of an exp's result read from its input: through gathers and reshapes, never for results
 * that are not normal finite doubles, and the same, to rounding, as computing it.
 */
class KnownLogTest {
  private static Tensor x() {
    double[] d = new double[12];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.sin(1.7 * i) * 3 - 0.5;
    }
    return Tensor.of(d, 3, 4);
  }

  /** The same values without the known log. */
  private static Tensor plain(Tensor t) {
    return Tensor.of(t.toArray(), t.shape());
  }

  @Test
  void theLogOfAnExpIsItsInput() {
    Tensor x = x();
    assertArrayEquals(x.toArray(), x.exp().log().toArray(), 0.0);
    assertArrayEquals(plain(x.exp()).log().toArray(), x.exp().log().toArray(), 1e-15);
  }

  @Test
  void gathersAndReshapesOfAnExpKeepTheirLog() {
    Tensor x = x();
    Tensor e = x.exp();
    Tensor[][] pairs = {
        {e.slice(0, 1, 3), x.slice(0, 1, 3)},
        {e.select(0, 2), x.select(0, 2)},
        {e.select(1, 1), x.select(1, 1)},
        {e.transpose(), x.transpose()},
        {e.reshape(4, 3), x.reshape(4, 3)},
        {e.slice(1, 0, 4, 2), x.slice(1, 0, 4, 2)},
        {e.select(0, 1).broadcastTo(2, 4), x.select(0, 1).broadcastTo(2, 4)},
    };
    for (Tensor[] p : pairs) {
      assertArrayEquals(p[1].toArray(), p[0].log().toArray(), 0.0);
      assertArrayEquals(plain(p[0]).log().toArray(), p[0].log().toArray(), 1e-15);
    }
    // a gather of a gather has no known log: computed, and still right
    Tensor twice = e.slice(0, 1, 3).select(1, 2);
    assertNull(twice.knownLog);
    assertArrayEquals(plain(twice).log().toArray(), twice.log().toArray(), 0.0);
  }

  @Test
  void anExpWithAKnownLogIsPositiveAndFinite() {
    Tensor e = x().mul(200.0).exp(); // arguments up to about 700 in size
    assertEquals(true, e.knownLog != null);
    assertEquals(true, e.allPositiveFinite());
    assertEquals(true, e.slice(0, 1, 3).allFinite());
    Tensor big = Tensor.of(1.0, 710.0).exp(); // overflows: checked element by element
    assertNull(big.knownLog);
    assertEquals(false, big.allPositiveFinite());
    assertEquals(false, Tensor.of(-746.0).exp().allPositiveFinite()); // underflows to 0
  }

  @Test
  void anExpWhoseResultsAreNotNormalFiniteDoublesHasNoKnownLog() {
    Tensor x = Tensor.of(1.0, 800.0, -800.0);
    Tensor e = x.exp();
    assertNull(e.knownLog);
    double[] logs = e.log().toArray();
    assertEquals(1.0, logs[0], 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, logs[1]);
    assertEquals(Double.NEGATIVE_INFINITY, logs[2]);
    assertNull(Tensor.of(Double.NaN).exp().knownLog);
  }

  @Test
  void theGradientOfTheLogIsUnchanged() {
    Tensor x = x();
    Tensor g = Autodiff.valueAndGrad(
        p -> p.get("x").exp().slice(0, 1, 3).log().mul(p.get("x").slice(0, 1, 3)).sum(),
        Map.of("x", x)).grad().get("x");
    // d/dx sum(x_s * log(exp(x_s))) = 2 x on the sliced rows, 0 elsewhere
    double[] xs = x.toArray();
    double[] want = new double[12];
    for (int i = 4; i < 12; i++) {
      want[i] = 2 * xs[i];
    }
    assertArrayEquals(want, g.toArray(), 1e-14);
  }

  @Test
  void theNormalLogDensityOfAnExpScaleMatchesTheComputedLog() {
    Tensor x = x();
    Tensor loc = x.mul(0.3);
    Tensor scale = x.mul(0.2).exp();
    assertEquals(FusedDensities.normalSum(x, loc, plain(scale)).item(),
        FusedDensities.normalSum(x, loc, scale).item(), 1e-13);
    assertArrayEquals(FusedDensities.normal(x, loc, plain(scale)).toArray(),
        FusedDensities.normal(x, loc, scale).toArray(), 1e-14);
    // read in place at an offset (leading rows) and gathered (a column)
    Tensor rows = scale.slice(0, 1, 3);
    assertEquals(FusedDensities.normalSum(x.slice(0, 1, 3), loc.slice(0, 1, 3), plain(rows)).item(),
        FusedDensities.normalSum(x.slice(0, 1, 3), loc.slice(0, 1, 3), rows).item(), 1e-13);
    assertArrayEquals(FusedDensities.normal(x.slice(0, 1, 3), loc.slice(0, 1, 3), plain(rows))
        .toArray(), FusedDensities.normal(x.slice(0, 1, 3), loc.slice(0, 1, 3), rows).toArray(),
        1e-14);
    Tensor column = scale.select(1, 2);
    assertEquals(FusedDensities.normalSum(x.select(1, 2), loc.select(1, 2), plain(column)).item(),
        FusedDensities.normalSum(x.select(1, 2), loc.select(1, 2), column).item(), 1e-13);
  }
}
