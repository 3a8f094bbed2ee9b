// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Properties of the reverse-mode engine itself, each against a closed form. */
class AutodiffTest {

  @Test
  void valueAndGradOfAQuadratic() {
    ValueAndGrad vg =
        Autodiff.valueAndGrad(
            p -> p.get("w").square().sum().add(p.get("b").mul(3.0).sum()),
            Map.of("w", Tensor.of(1.0, -2.0), "b", Tensor.scalar(0.5)));
    assertEquals(5.0 + 1.5, vg.loss(), 0.0);
    assertArrayEquals(new double[] {2.0, -4.0}, vg.grad().get("w").toArray(), 0.0);
    assertEquals(3.0, vg.grad().get("b").item(), 0.0);
    assertFalse(vg.value().isTracked());
  }

  /** d/dx of x * c^n built as a 200 000-op chain is c^n: no recursion, no stack overflow. */
  @Test
  void longChainsDifferentiateIteratively() {
    int n = 200_000;
    double c = 1.000001;
    Tensor g =
        Autodiff.grad(
            x -> {
              Tensor y = x;
              for (int i = 0; i < n; i++) {
                y = y.mul(c);
              }
              return y;
            },
            Tensor.scalar(2.0));
    assertEquals(Math.pow(c, n), g.item(), 1e-12 * Math.pow(c, n) * n);
  }

  @Test
  void aParameterUsedTwiceAccumulates() {
    // f = x * x + 3 x: f' = 2x + 3
    Tensor g = Autodiff.grad(x -> x.mul(x).add(x.mul(3.0)).sum(), Tensor.of(1.0, 2.0));
    assertArrayEquals(new double[] {5.0, 7.0}, g.toArray(), 0.0);
  }

  @Test
  void unusedParametersGetZeros() {
    ValueAndGrad vg =
        Autodiff.valueAndGrad(
            p -> p.get("a").sum(), Map.of("a", Tensor.of(1.0), "unused", Tensor.zeros(2, 2)));
    assertArrayEquals(new double[4], vg.grad().get("unused").toArray(), 0.0);
    assertEquals(2, vg.grad().get("unused").rank());
  }

  @Test
  void stopGradientAndNoGradBlockGradients() {
    // f = x * stop(x): f' = stop(x) only
    Tensor g = Autodiff.grad(x -> x.mul(x.stopGradient()).sum(), Tensor.of(3.0));
    assertEquals(3.0, g.item(), 0.0);
    Tensor h =
        Autodiff.grad(
            x -> x.add(Autodiff.noGrad(() -> x.mul(x))).sum(), Tensor.of(3.0)); // 1 + 0
    assertEquals(1.0, h.item(), 0.0);
    assertFalse(Autodiff.noGrad(() -> Autodiff.track(Tensor.of(1.0), "x").exp()).isTracked());
  }

  @Test
  void gradientsWithRespectToAnIntermediate() {
    Tensor x = Autodiff.track(Tensor.of(0.5, 1.5), "x");
    Tensor u = x.exp(); // intermediate
    Tensor f = u.square().sum(); // df/du = 2u
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {u, x}, null, false);
    assertArrayEquals(u.mul(2.0).toArray(), g[0].toArray(), 1e-15);
    assertArrayEquals(u.square().mul(2.0).toArray(), g[1].toArray(), 1e-14);
  }

  @Test
  void nonScalarResultsAreRejectedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Autodiff.grad(x -> x.mul(2.0), Tensor.of(1.0, 2.0)));
    assertEquals(
        "valueAndGrad: the function must return a scalar (shape []), but returned shape [2]; "
            + "reduce it with sum() or mean()",
        e.getMessage());
  }

  /** Two threads differentiating different functions at once see exactly their own results. */
  @Test
  void tapesAreThreadConfined() throws Exception {
    Function<Map<String, Tensor>, Tensor> f = p -> p.get("x").sin().mul(p.get("x")).sum();
    Function<Map<String, Tensor>, Tensor> h = p -> p.get("x").exp().logSumExp();
    Map<String, Tensor> at = Map.of("x", Tensor.linspace(-1, 1, 64));
    double[] fAlone = Autodiff.valueAndGrad(f, at).grad().get("x").toArray();
    double[] hAlone = Autodiff.valueAndGrad(h, at).grad().get("x").toArray();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<double[]>>> futures = new ArrayList<>();
      for (Function<Map<String, Tensor>, Tensor> fn : List.of(f, h)) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<double[]> out = new ArrayList<>();
                  for (int rep = 0; rep < 300; rep++) {
                    out.add(Autodiff.valueAndGrad(fn, at).grad().get("x").toArray());
                  }
                  return out;
                }));
      }
      start.countDown();
      for (double[] g : futures.get(0).get()) {
        assertArrayEquals(fAlone, g, 0.0);
      }
      for (double[] g : futures.get(1).get()) {
        assertArrayEquals(hAlone, g, 0.0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The Hessian of a scalar function of a vector, by differentiating the gradient. */
  private static double[][] hessian(Function<Tensor, Tensor> fn, Tensor x0) {
    Tensor x = Autodiff.track(x0, "x");
    Tensor g = Autodiff.gradients(fn.apply(x), new Tensor[] {x}, null, true)[0];
    int n = x0.size();
    double[][] h = new double[n][];
    for (int i = 0; i < n; i++) {
      h[i] = Autodiff.gradients(g.select(0, i), new Tensor[] {x}, null, false)[0].toArray();
    }
    return h;
  }

  @Test
  void secondDerivativesOfElementwiseFunctions() {
    double[][] cube = hessian(x -> x.pow(3.0).sum(), Tensor.of(0.7, -1.3));
    assertArrayEquals(new double[] {6 * 0.7, 0}, cube[0], 1e-14);
    assertArrayEquals(new double[] {0, 6 * -1.3}, cube[1], 1e-14);
    double[][] ex = hessian(x -> x.exp().sum(), Tensor.of(0.2));
    assertEquals(Math.exp(0.2), ex[0][0], 1e-15);
    double[][] lg = hessian(x -> x.logGamma().sum(), Tensor.of(2.5)); // trigamma(2.5)
    assertEquals(0.4903577561002349, lg[0][0], 1e-13); // mpmath.psi(1, 2.5)
  }

  /** Hessian of log-sum-exp is diag(p) - p p^T with p = softmax(x). */
  @Test
  void hessianOfLogSumExp() {
    double[] x = {0.3, -1.0, 2.0};
    double[][] h = hessian(Tensor::logSumExp, Tensor.of(x));
    double z = 0;
    for (double v : x) {
      z += Math.exp(v);
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double pi = Math.exp(x[i]) / z;
        double pj = Math.exp(x[j]) / z;
        assertEquals((i == j ? pi : 0) - pi * pj, h[i][j], 1e-15);
      }
    }
  }

  /** Hessian of the quadratic form x^T A x is A + A^T. */
  @Test
  void hessianOfAQuadraticForm() {
    Tensor a = Tensor.of(new double[][] {{1, 2, 0}, {-1, 3, 4}, {0.5, 0, 2}});
    double[][] h = hessian(x -> x.matmul(a).matmul(x), Tensor.of(0.1, 0.2, 0.3));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(a.get(i, j) + a.get(j, i), h[i][j], 1e-15);
      }
    }
  }

  @Test
  void firstOrderOnlyRulesRefuseCreateGraph() {
    Tensor x = Autodiff.track(Tensor.of(1.0, 2.0), "x");
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Autodiff.gradients(x.prod(), new Tensor[] {x}, null, true));
    assertTrue(e.getMessage().startsWith("prod: second derivatives are not implemented"));
    Tensor y = Autodiff.track(Tensor.of(2.0), "y");
    Tensor g = Autodiff.gradients(y.digamma().sum(), new Tensor[] {y}, null, true)[0];
    UnsupportedOperationException t =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Autodiff.gradients(g.sum(), new Tensor[] {y}, null, false));
    assertTrue(t.getMessage().startsWith("trigamma: its derivative"));
    // the same prod differentiates fine once
    assertArrayEquals(
        new double[] {2.0, 1.0},
        Autodiff.gradients(x.prod(), new Tensor[] {x}, null, false)[0].toArray(),
        0.0);
  }

  @Test
  void untrackedInputsAreRejectedByGradients() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Autodiff.gradients(
                    Tensor.scalar(1.0), new Tensor[] {Tensor.of(1.0)}, null, false));
    assertEquals(
        "gradients: input 0 is not tracked; create it with Autodiff.track", e.getMessage());
  }

  @Test
  void gradCheckReportsAWrongRule() {
    // a deliberately wrong custom op: y = x^2 with the rule 3x instead of 2x
    Function<Map<String, Tensor>, Tensor> wrong =
        p -> {
          Tensor x = p.get("x");
          Tensor y = Autodiff.op(x.detach().square(), "badSquare", (g, z, i) -> g.mul(x).mul(3.0), x);
          return y.sum();
        };
    Map<String, Tensor> at = new LinkedHashMap<>();
    at.put("x", Tensor.of(1.0, 2.0));
    AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertGradients(wrong, at));
    assertTrue(e.getMessage().contains("worst: x[0] (x = 1.0"), e.getMessage());
  }
}
