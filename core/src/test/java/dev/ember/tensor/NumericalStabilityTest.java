// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import org.junit.jupiter.api.Test;

/**
 * Values and gradients at the extremes: the stable formulas give the exact limits (not NaN or
 * infinity from an intermediate overflow), and non-finite inputs propagate as IEEE arithmetic
 * says rather than vanishing.
 */
class NumericalStabilityTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /**
   * At ±800, e^800 overflows and e^-800 underflows to 0, so the exact limits are representable:
   * sigmoid = 0 or 1, softplus = 0 or x, logSigmoid = x or 0; and so are their derivatives.
   */
  @Test
  void logisticFunctionsAtPlusMinus800() {
    Tensor x = Tensor.of(-800, 800);
    assertArrayEquals(new double[] {0, 1}, x.sigmoid().toArray(), 0.0);
    assertArrayEquals(new double[] {0, 800}, x.softplus().toArray(), 0.0);
    assertArrayEquals(new double[] {-800, 0}, x.logSigmoid().toArray(), 0.0);
    assertArrayEquals(
        new double[] {0, 1}, Autodiff.grad(t -> t.softplus().sum(), x).toArray(), 0.0);
    assertArrayEquals(
        new double[] {1, 0}, Autodiff.grad(t -> t.logSigmoid().sum(), x).toArray(), 0.0);
    assertArrayEquals(
        new double[] {0, 0}, Autodiff.grad(t -> t.sigmoid().sum(), x).toArray(), 0.0);
    // and in between, full relative precision where the naive formula loses it
    assertEquals(Math.exp(-40) - Math.exp(-80) / 2, Tensor.scalar(-40).softplus().item(), 1e-30);
    assertEquals(-Math.exp(-40), Tensor.scalar(40).logSigmoid().item(), 1e-31);
    assertEquals(Math.exp(-40), Tensor.scalar(-40).sigmoid().item(), 1e-31);
  }

  @Test
  void logSumExpIsStable() {
    assertEquals(1000 + Math.log(2), Tensor.of(1000, 1000).logSumExp().item(), 0.0);
    assertEquals(-1000 + Math.log(2), Tensor.of(-1000, -1000).logSumExp().item(), 0.0);
    assertEquals(
        Double.NEGATIVE_INFINITY, Tensor.of(-INF, -INF).logSumExp().item(), 0.0, "all -inf");
    assertEquals(Double.NEGATIVE_INFINITY, Tensor.zeros(0).logSumExp().item(), 0.0, "empty");
    assertEquals(0, Autodiff.grad(t -> t.logSumExp().add(1.0), Tensor.zeros(0)).size());
    assertEquals(0.0, Tensor.of(-INF, 0).logSumExp().item(), 0.0);
    assertEquals(INF, Tensor.of(1, INF).logSumExp().item(), 0.0);
    assertTrue(Double.isNaN(Tensor.of(1, Double.NaN).logSumExp().item()));
    // per axis, each row on its own scale
    assertArrayEquals(
        new double[] {1000 + Math.log(2), -1000 + Math.log(2)},
        Tensor.of(new double[] {1000, 1000, -1000, -1000}, 2, 2).logSumExp(1).toArray(),
        0.0);
    // the gradient is the softmax, finite at large scale
    assertArrayEquals(
        new double[] {0.5, 0.5},
        Autodiff.grad(Tensor::logSumExp, Tensor.of(1000, 1000)).toArray(),
        0.0);
    assertArrayEquals(
        new double[] {0, 1},
        Autodiff.grad(Tensor::logSumExp, Tensor.of(-INF, 3)).toArray(),
        0.0);
  }

  @Test
  void smallArgumentsKeepFullPrecision() {
    assertEquals(1e-300, Tensor.scalar(1e-300).log1p().item(), 1e-316);
    assertEquals(1e-300, Tensor.scalar(1e-300).expm1().item(), 1e-316);
    assertEquals(-1e-20, Tensor.scalar(-1e-20).expm1().item(), 0.0);
  }

  /** 0 * inf is NaN in every matmul path, as in BLAS (the loop used to skip zeros). */
  @Test
  void matmulPropagatesNonFiniteValues() {
    Tensor zero = Tensor.of(new double[][] {{0.0, 1.0}});
    Tensor inf = Tensor.of(new double[][] {{INF}, {2.0}});
    assertTrue(Double.isNaN(zero.matmul(inf).item()));
    assertTrue(Double.isNaN(Tensor.of(0.0).matmul(Tensor.of(Double.NaN)).item()));
    int n = 64; // BLAS size
    double[] a = new double[n * n];
    double[] b = new double[n * n];
    b[0] = Double.NaN;
    Tensor big = Tensor.of(a, n, n).matmul(Tensor.of(b, n, n));
    assertTrue((long) n * n * n >= LinearAlgebra.BLAS_MATMUL_FLOPS);
    assertTrue(Double.isNaN(big.get(0, 0)));
    assertEquals(0.0, big.get(0, 1), 0.0);
  }

  /** tril and triu select, they do not multiply by a 0/1 mask: inf outside becomes 0, not NaN. */
  @Test
  void trianglesDropNonFiniteEntriesOutsideThem() {
    Tensor x = Tensor.of(new double[][] {{1, INF}, {Double.NaN, 3}});
    assertArrayEquals(new double[] {1, 0, Double.NaN, 3}, x.tril(0).toArray(), 0.0);
    assertArrayEquals(new double[] {1, INF, 0, 3}, x.triu(0).toArray(), 0.0);
    assertArrayEquals(
        new double[] {1, 0, 0, 1},
        Autodiff.grad(t -> t.tril(0).mul(Tensor.of(new double[][] {{1, 5}, {0, 1}})).sum(), x)
            .toArray(),
        0.0);
  }

  @Test
  void nanPropagatesThroughReductions() {
    Tensor x = Tensor.of(1, Double.NaN, 3);
    assertTrue(Double.isNaN(x.sum().item()));
    assertTrue(Double.isNaN(x.max().item()));
    assertTrue(Double.isNaN(x.min().item()));
    assertTrue(Double.isNaN(x.prod().item()));
    assertTrue(Double.isNaN(x.mean().item()));
  }
}
