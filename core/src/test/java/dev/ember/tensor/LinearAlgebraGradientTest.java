// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linear algebra gradients against central finite differences ({@link GradCheck}), at three
 * random points per case with random batch shapes, on both sides of the BLAS/LAPACK thresholds.
 *
 * <p>Cholesky and log-determinants take a free matrix {@code M} and factor {@code A = M M^T + n
 * I}, so every perturbation keeps {@code A} symmetric positive definite (the Cholesky rule is the
 * gradient for symmetric perturbations). Triangular solves take a free matrix whose triangle,
 * plus a dominant diagonal, is the system. Above the thresholds the free parameters are a
 * rank-one perturbation {@code u v^T} of a fixed random matrix: a few hundred finite differences
 * instead of tens of thousands, while every entry of the large operation (and of its BLAS-backed
 * backward rule) still moves.
 */
class LinearAlgebraGradientTest {
  record Point(Map<String, Tensor> at, Function<Map<String, Tensor>, Tensor> fn) {}

  record Case(String name, Function<RandomTensors, Point> draw) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<String, Tensor> params(Object... nameValue) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], (Tensor) nameValue[i + 1]);
    }
    return m;
  }

  /** A symmetric positive-definite matrix from a free one: {@code M M^T + n I}, batched. */
  static Tensor spd(Tensor m) {
    int n = m.dim(-1);
    return m.matmul(m.transpose()).add(Tensor.eye(n).mul(n));
  }

  /** A triangular matrix with a dominant diagonal, from a free one. */
  static Tensor triangular(Tensor a, boolean lower) {
    Tensor t = lower ? a.tril(0) : a.triu(0);
    return t.add(Tensor.eye(a.dim(-1)).mul(3.0 + a.dim(-1) / 4.0));
  }

  /** {@code base + u v^T} for free vectors {@code u}, {@code v}. */
  static Tensor rankOne(Tensor base, Tensor u, Tensor v) {
    return base.add(u.unsqueeze(-1).matmul(v.unsqueeze(0)));
  }

  private static Case matmul(String name, int[] sa, int[] sb) {
    return new Case(
        "matmul " + name + " " + Shape.of(sa) + " @ " + Shape.of(sb),
        r ->
            new Point(
                params("a", r.normal(Shape.of(sa)), "b", r.normal(Shape.of(sb))),
                m -> m.get("a").matmul(m.get("b"))));
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(matmul("1-D by 1-D", new int[] {3}, new int[] {3}));
    c.add(matmul("1-D by 2-D", new int[] {3}, new int[] {3, 4}));
    c.add(matmul("2-D by 1-D", new int[] {2, 3}, new int[] {3}));
    c.add(matmul("2-D", new int[] {2, 3}, new int[] {3, 4}));
    c.add(matmul("batched by 1-D", new int[] {2, 2, 3}, new int[] {3}));
    c.add(matmul("1-D by batched", new int[] {3}, new int[] {2, 3, 2}));
    c.add(matmul("batched, broadcast batch axes", new int[] {2, 1, 3, 4}, new int[] {5, 4, 2}));
    c.add(
        new Case(
            "matmul random batch shapes",
            r -> {
              Shape batch = r.shape(0, 2);
              int n = 1 + r.nextInt(4);
              int k = 1 + r.nextInt(4);
              int m = 1 + r.nextInt(4);
              Shape sa = r.broadcastableTo(batch).concat(Shape.of(n, k));
              Shape sb = r.broadcastableTo(batch).concat(Shape.of(k, m));
              return new Point(
                  params("a", r.normal(sa), "b", r.normal(sb)),
                  p -> p.get("a").matmul(p.get("b")));
            }));
    c.add(
        new Case(
            "matmul above the BLAS threshold",
            r -> {
              int n = (int) Math.ceil(Math.cbrt(LinearAlgebra.BLAS_MATMUL_FLOPS));
              assertTrue((long) n * n * n >= LinearAlgebra.BLAS_MATMUL_FLOPS);
              Tensor a0 = r.normal(Shape.of(n, n));
              Tensor b0 = r.normal(Shape.of(n, n));
              return new Point(
                  params(
                      "u", r.normal(Shape.of(n)), "v", r.normal(Shape.of(n)),
                      "p", r.normal(Shape.of(n)), "q", r.normal(Shape.of(n))),
                  m ->
                      rankOne(a0, m.get("u"), m.get("v"))
                          .matmul(rankOne(b0, m.get("p"), m.get("q"))));
            }));
    c.add(
        new Case(
            "cholesky",
            r -> {
              int n = 1 + r.nextInt(4);
              Shape sm = r.shape(0, 2).concat(Shape.of(n, n));
              return new Point(params("m", r.normal(sm)), m -> spd(m.get("m")).cholesky());
            }));
    c.add(
        new Case(
            "logDet",
            r -> {
              int n = 1 + r.nextInt(4);
              Shape sm = r.shape(0, 2).concat(Shape.of(n, n));
              return new Point(params("m", r.normal(sm)), m -> spd(m.get("m")).logDet());
            }));
    c.add(
        new Case(
            "cholesky above the LAPACK threshold",
            r -> {
              int n = LinearAlgebra.BLAS_ORDER;
              Tensor m0 = r.normal(Shape.of(n, n)).div(Math.sqrt(n));
              return new Point(
                  params("u", r.normal(Shape.of(n)), "v", r.normal(Shape.of(n))),
                  m -> spd(rankOne(m0, m.get("u"), m.get("v"))).cholesky());
            }));
    c.add(
        new Case(
            "logDet above the LAPACK threshold",
            r -> {
              int n = LinearAlgebra.BLAS_ORDER + 4;
              Tensor m0 = r.normal(Shape.of(n, n)).div(Math.sqrt(n));
              return new Point(
                  params("u", r.normal(Shape.of(n)), "v", r.normal(Shape.of(n))),
                  m -> spd(rankOne(m0, m.get("u"), m.get("v"))).logDet());
            }));
    for (boolean lower : new boolean[] {true, false}) {
      String which = lower ? "lower" : "upper";
      c.add(
          new Case(
              "triangularSolve " + which,
              r -> {
                int n = 1 + r.nextInt(4);
                Shape batch = r.shape(0, 2);
                Shape sa = r.broadcastableTo(batch).concat(Shape.of(n, n));
                Shape sb = r.broadcastableTo(batch).concat(Shape.of(n, 1 + r.nextInt(3)));
                return new Point(
                    params("a", r.normal(sa), "b", r.normal(sb)),
                    m -> triangular(m.get("a"), lower).triangularSolve(m.get("b"), lower));
              }));
      c.add(
          new Case(
              "triangularSolve " + which + " above the BLAS threshold",
              r -> {
                int n = LinearAlgebra.BLAS_ORDER;
                Tensor a0 = r.normal(Shape.of(n, n)).div(Math.sqrt(n));
                return new Point(
                    params(
                        "u", r.normal(Shape.of(n)), "v", r.normal(Shape.of(n)),
                        "b", r.normal(Shape.of(n, 2))),
                    m ->
                        triangular(rankOne(a0, m.get("u"), m.get("v")), lower)
                            .triangularSolve(m.get("b"), lower));
              }));
    }
    c.add(
        new Case(
            "diagonal",
            r -> {
              Shape s = r.shape(2, 4);
              return new Point(params("x", r.normal(s)), m -> m.get("x").diagonal());
            }));
    c.add(
        new Case(
            "diagEmbed",
            r -> {
              Shape s = r.shape(1, 3);
              return new Point(params("x", r.normal(s)), m -> m.get("x").diagEmbed());
            }));
    for (int k = -1; k <= 1; k++) {
      int kk = k;
      c.add(
          new Case(
              "tril " + k,
              r ->
                  new Point(params("x", r.normal(r.shape(2, 3))), m -> m.get("x").tril(kk))));
      c.add(
          new Case(
              "triu " + k,
              r ->
                  new Point(params("x", r.normal(r.shape(2, 3))), m -> m.get("x").triu(kk))));
    }
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    RandomTensors r = RandomTensors.seeded(c.name());
    for (int k = 0; k < 3; k++) {
      Point p = c.draw().apply(r);
      Function<Map<String, Tensor>, Tensor> f = weighted(p, r);
      try {
        GradCheck.assertGradients(f, p.at());
      } catch (AssertionError e) {
        throw new AssertionError(c.name() + ", point " + k + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Second derivatives (matmul, Cholesky, log-determinant and triangular-solve rules are written
   * with differentiable operations): the gradient of {@code <v, grad f>} through the recorded
   * backward pass against central differences of first-order gradients.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void secondDerivativesMatchFiniteDifferencesOfTheGradient(Case c) {
    RandomTensors r = RandomTensors.seeded("second order " + c.name());
    for (int k = 0; k < 2; k++) {
      Point p = c.draw().apply(r);
      Function<Map<String, Tensor>, Tensor> f = weighted(p, r);
      Map<String, Tensor> v = new LinkedHashMap<>();
      p.at().forEach((name, x) -> v.put(name, r.uniform(x.shape(), -1, 1)));
      Function<Map<String, Tensor>, Tensor> gradAlongV =
          m -> {
            Tensor[] xs = m.values().toArray(new Tensor[0]);
            Tensor[] g =
                xs[0].isTracked()
                    ? Autodiff.gradients(f.apply(m), xs, null, true)
                    : Autodiff.valueAndGrad(f, m).grad().values().toArray(new Tensor[0]);
            Tensor total = Tensor.scalar(0.0);
            int i = 0;
            for (Tensor vk : v.values()) {
              total = total.add(g[i++].mul(vk).sum());
            }
            return total;
          };
      try {
        GradCheck.assertGradients(gradAlongV, p.at());
      } catch (AssertionError e) {
        throw new AssertionError(c.name() + ", point " + k + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The output reduced with weights of its own signs, so that {@code |f|} is the size of its
   * terms (no cancellation hiding the rounding of thousands of factor entries behind a small sum).
   */
  private static Function<Map<String, Tensor>, Tensor> weighted(Point p, RandomTensors r) {
    Tensor out = Autodiff.noGrad(() -> p.fn().apply(p.at()));
    Tensor weights = r.uniform(out.shape(), 0.5, 1.5).mul(out.sign());
    return m -> p.fn().apply(m).mul(weights).sum();
  }
}
