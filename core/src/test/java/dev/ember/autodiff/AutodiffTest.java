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
import java.util.function.Supplier;
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
    assertFalse(vg.grad().get("w").isTracked(), "first-order gradients are plain values");
  }

  /**
   * d/dx of x c^n built as a chain of n = 200 000 multiplications is c^n: the backward pass (and
   * the topological sort before it) is iterative, so the depth of the graph does not touch the
   * call stack; and it is linear in the graph's size (well under a second here; the bound only
   * catches a recursive or quadratic pass).
   */
  @Test
  void longChainsDifferentiateIterativelyAndQuickly() {
    int n = 200_000;
    double c = 1.000001;
    long start = System.nanoTime();
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
    double seconds = (System.nanoTime() - start) / 1e9;
    double expected = Math.pow(c, n); // each product rounds: n half-ulps at most
    assertEquals(expected, g.item(), n * 0x1p-53 * expected);
    assertTrue(seconds < 30, "200 000 ops took " + seconds + " s");
  }

  /**
   * A chain where every step uses the previous value twice ({@code y + y * 1e-6}: 400 000 ops
   * with fan-in), differentiated twice: the recorded backward pass is itself a graph of that
   * depth, and its own backward pass is iterative too. f = (x c^n)^2 with c = 1 + 1e-6 has f' =
   * 2 x c^2n and f'' = 2 c^2n.
   */
  @Test
  void longChainsWithFanInDifferentiateTwice() {
    int n = 200_000;
    Tensor x = Autodiff.track(Tensor.scalar(1.5), "x");
    Tensor y = x;
    for (int i = 0; i < n; i++) {
      y = y.add(y.mul(1e-6));
    }
    Tensor f = y.square();
    Tensor g = Autodiff.gradients(f, new Tensor[] {x}, null, true)[0];
    Tensor h = Autodiff.gradients(g, new Tensor[] {x}, null, false)[0];
    double c2n = Math.pow(1 + 1e-6, 2.0 * n);
    assertEquals(2 * 1.5 * c2n, g.item(), 1e-9 * c2n);
    assertEquals(2 * c2n, h.item(), 1e-9 * c2n);
  }

  @Test
  void aParameterUsedTwiceAccumulates() {
    // f = x * x + 3 x: f' = 2x + 3
    Tensor g = Autodiff.grad(x -> x.mul(x).add(x.mul(3.0)).sum(), Tensor.of(1.0, 2.0));
    assertArrayEquals(new double[] {5.0, 7.0}, g.toArray(), 0.0);
    // ... also through gathers, which accumulate into a shared buffer: x[0] + x[0] + 2 x[1]
    Tensor h =
        Autodiff.grad(
            x -> x.select(0, 0).add(x.index(0, 0, 1, 1).sum()).add(x.select(0, 0)),
            Tensor.of(5.0, 6.0, 7.0));
    assertArrayEquals(new double[] {3.0, 2.0, 0.0}, h.toArray(), 0.0);
  }

  /**
   * A rule may give no gradient to an input ({@code x^0}, integer indices): that input's producer
   * is then not visited at all (it used to be visited with a null gradient).
   */
  @Test
  void inputsWithoutAGradientStopThere() {
    Tensor g = Autodiff.grad(x -> x.exp().pow(0.0).sum().add(x.sum()), Tensor.of(1.0, 2.0));
    assertArrayEquals(new double[] {1.0, 1.0}, g.toArray(), 0.0);
    Tensor x = Autodiff.track(Tensor.of(1.0, 2.0), "x");
    Tensor h = Autodiff.gradients(x.exp().pow(0.0).sum().add(x.square().sum()), new Tensor[] {x}, null, true)[0];
    assertArrayEquals(new double[] {2.0, 4.0}, h.toArray(), 0.0);
    assertArrayEquals(
        new double[] {2.0, 2.0},
        Autodiff.gradients(h.sum(), new Tensor[] {x}, null, false)[0].toArray(),
        0.0);
  }

  @Test
  void unusedParametersGetZeros() {
    ValueAndGrad vg =
        Autodiff.valueAndGrad(
            p -> p.get("a").sum(), Map.of("a", Tensor.of(1.0), "unused", Tensor.zeros(2, 2)));
    assertArrayEquals(new double[4], vg.grad().get("unused").toArray(), 0.0);
    assertEquals(2, vg.grad().get("unused").rank());
    // a function that ignores every parameter: zeros everywhere, the value as given
    ValueAndGrad constant =
        Autodiff.valueAndGrad(p -> Tensor.scalar(4.0), Map.of("a", Tensor.of(1.0, 2.0)));
    assertEquals(4.0, constant.loss(), 0.0);
    assertArrayEquals(new double[2], constant.grad().get("a").toArray(), 0.0);
  }

  @Test
  void stopGradientDetachAndNoGradBlockGradients() {
    // f = x * stop(x): f' = stop(x) only
    Tensor g = Autodiff.grad(x -> x.mul(x.stopGradient()).sum(), Tensor.of(3.0));
    assertEquals(3.0, g.item(), 0.0);
    Tensor d = Autodiff.grad(x -> x.mul(x.detach()).sum(), Tensor.of(3.0));
    assertEquals(3.0, d.item(), 0.0);
    Tensor h =
        Autodiff.grad(
            x -> x.add(Autodiff.noGrad(() -> x.mul(x))).sum(), Tensor.of(3.0)); // 1 + 0
    assertEquals(1.0, h.item(), 0.0);
    Tensor tracked = Autodiff.track(Tensor.of(1.0), "x");
    assertFalse(Autodiff.noGrad(() -> tracked.exp()).isTracked());
    assertTrue(tracked.exp().isTracked());
    assertFalse(tracked.detach().isTracked());
  }

  @Test
  void noGradRestoresRecordingEvenWhenTheBodyThrows() {
    assertTrue(Autodiff.isRecording());
    assertThrows(
        IllegalStateException.class,
        () ->
            Autodiff.noGrad(
                (Supplier<Tensor>)
                    () -> {
                      assertFalse(Autodiff.isRecording());
                      // nested blocks restore the outer (off) state, not "on"
                      Autodiff.noGrad(() -> Tensor.scalar(1.0));
                      assertFalse(Autodiff.isRecording());
                      throw new IllegalStateException("boom");
                    }));
    assertTrue(Autodiff.isRecording());
    // valueAndGrad switches recording on for its function, and restores the caller's state
    Autodiff.noGrad(
        () -> {
          assertEquals(2.0, Autodiff.grad(x -> x.square().sum(), Tensor.of(1.0)).item(), 0.0);
          assertFalse(Autodiff.isRecording());
          return null;
        });
  }

  @Test
  void gradientsWithRespectToAnIntermediate() {
    Tensor x = Autodiff.track(Tensor.of(0.5, 1.5), "x");
    Tensor u = x.exp(); // intermediate
    Tensor f = u.square().sum(); // df/du = 2u
    Tensor[] g = Autodiff.gradients(f, new Tensor[] {u, x}, null, false);
    assertArrayEquals(u.mul(2.0).toArray(), g[0].toArray(), 1e-15);
    assertArrayEquals(u.square().mul(2.0).toArray(), g[1].toArray(), 1e-14);
    // the output itself: its gradient is the seed
    assertEquals(1.0, Autodiff.gradients(f, new Tensor[] {f}, null, false)[0].item(), 0.0);
  }

  /** With a seed, gradients is a vector-Jacobian product of a non-scalar output. */
  @Test
  void seededGradientsAreVectorJacobianProducts() {
    Tensor x = Autodiff.track(Tensor.of(1.0, 2.0, 3.0), "x");
    Tensor y = x.square(); // Jacobian diag(2x)
    Tensor vjp =
        Autodiff.gradients(y, new Tensor[] {x}, Tensor.of(1.0, -1.0, 0.5), false)[0];
    assertArrayEquals(new double[] {2.0, -4.0, 3.0}, vjp.toArray(), 0.0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Autodiff.gradients(y, new Tensor[] {x}, Tensor.of(1.0), false));
    assertEquals(
        "gradients: the seed has shape [1] but the output has shape [3]; they must match",
        e.getMessage());
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

  /**
   * Two threads differentiating different functions at once, many times, started together, get
   * exactly (bit for bit) what each gets alone. One of them also switches recording off and on
   * (noGrad) and records second derivatives, so a recording switch shared between threads would
   * show up as zero or missing gradients in the other.
   */
  @Test
  void tapesAreThreadConfined() throws Exception {
    Function<Map<String, Tensor>, Tensor> f =
        p -> {
          Tensor x = p.get("x");
          Tensor stopped = Autodiff.noGrad(() -> x.exp()); // a constant, in this thread only
          return x.sin().mul(x).add(x.mul(stopped)).sum();
        };
    Function<Map<String, Tensor>, Tensor> h = p -> p.get("x").exp().logSumExp();
    Map<String, Tensor> at = Map.of("x", Tensor.linspace(-1, 1, 64));
    Supplier<double[]> first =
        () -> {
          double[] g = Autodiff.valueAndGrad(f, at).grad().get("x").toArray();
          Tensor x = Autodiff.track(at.get("x"), "x");
          Tensor gx = Autodiff.gradients(f.apply(Map.of("x", x)), new Tensor[] {x}, null, true)[0];
          double[] hv = Autodiff.gradients(gx.sum(), new Tensor[] {x}, null, false)[0].toArray();
          double[] both = new double[g.length + hv.length];
          System.arraycopy(g, 0, both, 0, g.length);
          System.arraycopy(hv, 0, both, g.length, hv.length);
          return both;
        };
    Supplier<double[]> second = () -> Autodiff.valueAndGrad(h, at).grad().get("x").toArray();
    double[] firstAlone = first.get();
    double[] secondAlone = second.get();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch ready = new CountDownLatch(2);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<double[]>>> futures = new ArrayList<>();
      for (Supplier<double[]> run : List.of(first, second)) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  List<double[]> out = new ArrayList<>();
                  for (int rep = 0; rep < 1000; rep++) {
                    out.add(run.get());
                  }
                  return out;
                }));
      }
      ready.await();
      start.countDown();
      for (double[] g : futures.get(0).get()) {
        assertArrayEquals(firstAlone, g, 0.0);
      }
      for (double[] g : futures.get(1).get()) {
        assertArrayEquals(secondAlone, g, 0.0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The Hessian of a scalar function of a vector, by differentiating the gradient. */
  private static double[][] hessian(Function<Tensor, Tensor> fn, Tensor x0) {
    Tensor x = Autodiff.track(x0, "x");
    Tensor g = Autodiff.gradients(fn.apply(x), new Tensor[] {x}, null, true)[0];
    assertTrue(g.isTracked(), "a createGraph gradient is itself differentiable");
    int n = x0.size();
    double[][] h = new double[n][];
    for (int i = 0; i < n; i++) {
      h[i] = Autodiff.gradients(g.select(0, i), new Tensor[] {x}, null, false)[0].toArray();
    }
    return h;
  }

  @Test
  void secondDerivativesOfElementwiseFunctions() {
    double[][] cube = hessian(x -> x.pow(3.0).sum(), Tensor.of(0.7, -1.3)); // 6x
    assertArrayEquals(new double[] {6 * 0.7, 0}, cube[0], 1e-14);
    assertArrayEquals(new double[] {0, 6 * -1.3}, cube[1], 1e-14);
    double[][] cubeByMul = hessian(x -> x.mul(x).mul(x).sum(), Tensor.of(0.7)); // 6x
    assertEquals(6 * 0.7, cubeByMul[0][0], 1e-14);
    double[][] ex = hessian(x -> x.exp().sum(), Tensor.of(0.2));
    assertEquals(Math.exp(0.2), ex[0][0], 1e-15);
    double[][] lg = hessian(x -> x.logGamma().sum(), Tensor.of(2.5)); // trigamma(2.5)
    assertEquals(0.49035775610023486497, lg[0][0], 1e-13); // mpmath.psi(1, 2.5)
    double[][] sp = hessian(x -> x.softplus().sum(), Tensor.of(0.4)); // sigmoid'(x)
    double s = 1 / (1 + Math.exp(-0.4));
    assertEquals(s * (1 - s), sp[0][0], 1e-15);
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
    assertEquals(
        "prod: second derivatives are not implemented for this operation; "
            + "differentiate it once (createGraph = false)",
        e.getMessage());
    // trigamma has no derivative at all, so digamma differentiates once but not twice
    Tensor y = Autodiff.track(Tensor.of(2.0), "y");
    Tensor g = Autodiff.gradients(y.digamma().sum(), new Tensor[] {y}, null, true)[0];
    UnsupportedOperationException t =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Autodiff.gradients(g.sum(), new Tensor[] {y}, null, false));
    assertTrue(t.getMessage().startsWith("trigamma: its derivative"), t.getMessage());
    assertThrows(
        UnsupportedOperationException.class,
        () -> Autodiff.grad(v -> v.trigamma().sum(), Tensor.of(2.0)));
    // the same prod differentiates fine once
    assertArrayEquals(
        new double[] {2.0, 1.0},
        Autodiff.gradients(x.prod(), new Tensor[] {x}, null, false)[0].toArray(),
        0.0);
  }

  /** A custom operation recorded with Autodiff.op takes part like a built-in one. */
  @Test
  void customOperationsJoinTheGraph() {
    Function<Map<String, Tensor>, Tensor> cube =
        p -> {
          Tensor x = p.get("x");
          Tensor y =
              Autodiff.op(
                  x.detach().pow(3.0), "cube",
                  (g, grads) -> grads.addProduct(0, g, x.square().mul(3.0)), x);
          return y.sum();
        };
    Map<String, Tensor> at = new LinkedHashMap<>();
    at.put("x", Tensor.of(0.5, -2.0));
    assertArrayEquals(
        new double[] {0.75, 12.0}, Autodiff.valueAndGrad(cube, at).grad().get("x").toArray(), 0);
    GradCheck.assertGradients(cube, at);
  }
}
