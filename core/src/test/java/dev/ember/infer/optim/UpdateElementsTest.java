// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Optimizer#updateElements}: two parameters' elements laid end to end in the caller's
 * arrays, updated in one call, give bit for bit what {@link Optimizer#update} gives the two
 * tensors, step after step, through each built-in kernel and through the default for an
 * optimizer that has none; the old arrays stay as they were, and bad arguments are named.
 */
class UpdateElementsTest {

  /** Every built-in elementwise optimizer, with schedules, and one of one's own. */
  static Stream<Optimizer> elementwise() {
    return Stream.concat(OptimizerTest.all().filter(Optimizer::isElementwise),
        Stream.of(new KernelFree(Adam.of(0.1))));
  }

  /** An elementwise optimizer of one's own: it gives update, not updateElements. */
  private record KernelFree(Optimizer inner) implements Optimizer {
    @Override
    public OptimizerState init(Map<String, Tensor> params) {
      return inner.init(params);
    }

    @Override
    public OptimizerState update(Map<String, Tensor> grads, OptimizerState state) {
      return inner.update(grads, state);
    }

    @Override
    public boolean isElementwise() {
      return true;
    }
  }

  @ParameterizedTest
  @MethodSource("elementwise")
  void elementsLaidEndToEndUpdateAsTheirTensors(Optimizer opt) {
    double[] a0 = {0.5, -1.0, 2.0}; // param "a", [3]
    double[] b0 = {0.25, 3.0, -0.75, 1.5}; // param "b", [2, 2]
    double[][] grads = {{3.0, -4.0, 0.5, 1.0, -2.0, 0.0, 7.0}, {0.1, 0.2, -9.0, 0.3, 4.0, -0.5,
        1e-3}, {-2.0, 1.5, 0.0, 7.0, 0.1, 0.2, -9.0}, {1.0, 1.0, 1.0, -1.0, -1.0, 2.0, 0.5}};
    Map<String, Tensor> start = new LinkedHashMap<>();
    start.put("a", Tensor.of(a0));
    start.put("b", Tensor.of(b0, 2, 2));
    OptimizerState s = opt.init(start);
    int slots = s.slots().get("a").size();
    double[] x = concat(a0, b0);
    double[][] m = new double[slots][x.length];
    for (int step = 0; step < grads.length; step++) {
      double[] g = grads[step];
      s = opt.update(Map.of("a", Tensor.of(g[0], g[1], g[2]),
          "b", Tensor.of(new double[] {g[3], g[4], g[5], g[6]}, 2, 2)), s);
      double[] xBefore = x.clone();
      double[][] mBefore = copy(m);
      double[] xNext = new double[x.length];
      double[][] mNext = new double[slots][x.length];
      opt.updateElements(step, x, g, m, xNext, mNext);
      assertArrayEquals(xBefore, x, 0.0, "the old values are read, not written");
      for (int k = 0; k < slots; k++) {
        assertArrayEquals(mBefore[k], m[k], 0.0, "the old moments are read, not written");
      }
      x = xNext;
      m = mNext;
      assertArrayEquals(concat(s.params().get("a").toArray(), s.params().get("b").toArray()), x,
          0.0, opt + " at step " + step);
      for (int k = 0; k < slots; k++) {
        assertArrayEquals(concat(s.slots().get("a").get(k).toArray(),
            s.slots().get("b").get(k).toArray()), m[k], 0.0, opt + " moment " + k);
      }
    }
  }

  @Test
  void anOptimizerThatIsNotElementwiseRefuses() {
    double[] x = {1.0, 2.0};
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> ClippedAdam.of(0.1).updateElements(0, x, x.clone(), twoZeros(2), new double[2],
            twoZeros(2)));
    assertEquals("ClippedAdam is not elementwise (isElementwise() is false): update its "
        + "parameters' tensors whole with update()", e.getMessage());
  }

  @Test
  void badArraysAreNamed() {
    Optimizer adam = Adam.of(0.1);
    double[] x = {1.0, 2.0, 3.0};
    IllegalArgumentException shortGrad = assertThrows(IllegalArgumentException.class,
        () -> adam.updateElements(0, x, new double[2], twoZeros(3), new double[3], twoZeros(3)));
    assertEquals("Adam.updateElements: the gradient has 2 elements but the values have 3; every "
        + "array holds the same elements, in the same order", shortGrad.getMessage());
    IllegalArgumentException oneMoment = assertThrows(IllegalArgumentException.class,
        () -> adam.updateElements(0, x, x, new double[][] {new double[3]}, new double[3],
            twoZeros(3)));
    assertEquals("Adam.updateElements: Adam keeps 2 moments per element, but 1 arrays of "
        + "moments and 2 for the new ones were given", oneMoment.getMessage());
    IllegalArgumentException shortMoment = assertThrows(IllegalArgumentException.class,
        () -> adam.updateElements(0, x, x, twoZeros(3), new double[3],
            new double[][] {new double[3], new double[4]}));
    assertEquals("Adam.updateElements: new moment 1 has 4 elements but the values have 3; every "
        + "array holds the same elements, in the same order", shortMoment.getMessage());
    IllegalArgumentException otherOptimizer = assertThrows(IllegalArgumentException.class,
        () -> new KernelFree(Adam.of(0.1)).updateElements(0, x, x, new double[][] {new double[3]},
            new double[3], new double[][] {new double[3]}));
    assertEquals("Adam.update: the state has 1 slots for 'elements' but Adam keeps 2 [m, v]; "
        + "was the state made by another optimizer's init?", otherOptimizer.getMessage());
  }

  private static double[][] twoZeros(int n) {
    return new double[][] {new double[n], new double[n]};
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double[][] copy(double[][] m) {
    List<double[]> out = new ArrayList<>();
    for (double[] r : m) {
      out.add(r.clone());
    }
    return out.toArray(new double[0][]);
  }
}
