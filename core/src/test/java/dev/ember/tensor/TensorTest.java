// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Forward values of tensor operations against hand-computed results. */
class TensorTest {

  private static void assertValues(double[] expected, Tensor t) {
    assertArrayEquals(expected, t.toArray(), 1e-15 * 10);
  }

  @Test
  void factoriesAndAccessors() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(Shape.of(2, 3), x.shape());
    assertEquals(6.0, x.get(1, 2), 0.0);
    assertEquals(4.0, x.get(-1, 0), 0.0);
    assertEquals(Shape.SCALAR, Tensor.scalar(2).shape());
    assertValues(new double[] {0, 1, 2}, Tensor.arange(3));
    assertValues(new double[] {1, 1.5, 2}, Tensor.arange(1, 2.25, 0.5));
    assertValues(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(0, 1, 5));
    assertValues(new double[] {1, 0, 0, 1}, Tensor.eye(2));
    assertValues(new double[] {7, 7}, Tensor.full(7, 2));
    assertEquals(Shape.of(2, 2), Tensor.of(new double[][] {{1, 2}, {3, 4}}).shape());
    double[] src = {1, 2};
    Tensor copy = Tensor.of(src);
    src[0] = 99;
    assertEquals(1.0, copy.get(0), 0.0, "factories copy their input");
  }

  @Test
  void broadcastingArithmetic() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertValues(new double[] {10, 40, 90, 40, 100, 180}, x.mul(Tensor.of(10, 20, 30)));
    assertValues(new double[] {0, 1, 2, 2, 3, 4}, x.sub(Tensor.of(new double[] {1, 2}, 2, 1)));
    assertValues(new double[] {2, 1, 2.0 / 3, 0.5, 0.4, 1.0 / 3}, Tensor.scalar(2).div(x));
    assertValues(new double[] {1, 4, 27}, Tensor.of(1, 2, 3).pow(Tensor.of(2, 2, 3)));
    assertValues(new double[] {1, 2, 3}, Tensor.of(3, 2, 1).rsub(4));
    assertValues(new double[] {1, 2, 2}, Tensor.of(1, 5, 2).minimum(Tensor.scalar(2)));
    assertValues(new double[] {2, 5, 2}, Tensor.of(1, 5, 2).maximum(Tensor.scalar(2)));
    // [3, 1] with [4] -> [3, 4]
    Tensor outer = Tensor.of(new double[] {1, 2, 3}, 3, 1).mul(Tensor.of(1, 10, 100, 1000));
    assertEquals(Shape.of(3, 4), outer.shape());
    assertEquals(3000.0, outer.get(2, 3), 0.0);
  }

  @Test
  void shapeErrorsNameTheOperationAndBothShapes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(5)));
    assertEquals("add: cannot broadcast [3, 4] with [5]", e.getMessage());
    assertEquals(
        "mul: cannot broadcast [2] with [3]",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.zeros(2).mul(Tensor.zeros(3))).getMessage());
    assertEquals(
        "matmul: inner dimensions differ: [2, 3] @ [4, 5] (3 vs 4)",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5))).getMessage());
    assertEquals(
        "reshape: cannot reshape [2, 3] (6 elements) to [4, 2]",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.zeros(2, 3).reshape(4, 2)).getMessage());
    assertEquals(
        "concat: tensor 1 has shape [3, 3], which does not match [2, 3] outside axis 1",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.concat(1, Tensor.zeros(2, 3), Tensor.zeros(3, 3))).getMessage());
    assertEquals(
        "stack: all tensors must have the same shape, but tensor 0 has [2] and tensor 1 has [3]",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3))).getMessage());
    assertEquals(
        "index: index 5 at position 1 is out of range for axis 0 (size 3) of [3]",
        assertThrows(IndexOutOfBoundsException.class,
            () -> Tensor.zeros(3).index(0, 0, 5)).getMessage());
    assertEquals(
        "where: the mask must be a boolean tensor (from a comparison or Tensor.ofBooleans), "
            + "but got dtype FLOAT64 of shape [2]",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.where(Tensor.of(1, 0), Tensor.zeros(2), Tensor.ones(2))).getMessage());
    assertEquals(
        "broadcastTo: cannot broadcast [3] to [2, 4]",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.zeros(3).broadcastTo(2, 4)).getMessage());
    assertEquals(
        "sum: axis 2 is out of range for shape [2, 3] of rank 2",
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(2))
            .getMessage());
    assertEquals(
        "Tensor.of: 5 values cannot fill shape [2, 3] (6 elements)",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.of(new double[5], 2, 3)).getMessage());
  }

  @Test
  void reductions() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(21.0, x.sum().item(), 0.0);
    assertValues(new double[] {5, 7, 9}, x.sum(0));
    assertValues(new double[] {6, 15}, x.sum(1));
    assertEquals(Shape.of(2, 1), x.sum(1, true).shape());
    assertValues(new double[] {2.5, 3.5, 4.5}, x.mean(0));
    assertEquals(720.0, x.prod().item(), 0.0);
    assertValues(new double[] {6, 120}, x.prod(1));
    assertValues(new double[] {3, 6}, x.max(1));
    assertValues(new double[] {1, 2, 3}, x.min(0));
    assertValues(new double[] {1, 3, 6, 4, 9, 15}, x.cumsum(1));
    assertValues(new double[] {1, 2, 3, 5, 7, 9}, x.cumsum(0));
    assertValues(new double[] {2, 2}, x.argmax(1));
    assertValues(new double[] {5, 7, 9}, x.sumTo(Shape.of(3)));
    assertValues(new double[] {6, 15}, x.sumTo(Shape.of(2, 1)));
  }

  @Test
  void logSumExpIsStable() {
    assertEquals(1000 + Math.log(2), Tensor.of(1000, 1000).logSumExp().item(), 1e-12);
    assertEquals(-1000 + Math.log(2), Tensor.of(-1000, -1000).logSumExp().item(), 1e-12);
    assertEquals(
        Double.NEGATIVE_INFINITY,
        Tensor.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY).logSumExp().item());
    assertEquals(Math.log(Math.exp(1) + Math.exp(2)), Tensor.of(1, 2).logSumExp().item(), 1e-15);
  }

  @Test
  void elementwiseFunctionsAreStableAtTheExtremes() {
    Tensor big = Tensor.of(-800, 800);
    assertValues(new double[] {0, 1}, big.sigmoid());
    assertValues(new double[] {0, 800}, big.softplus());
    assertValues(new double[] {-800, 0}, big.logSigmoid());
    assertEquals(Math.log1p(Math.exp(-40)), Tensor.scalar(-40).softplus().item(), 1e-30);
    assertEquals(1e-300, Tensor.scalar(1e-300).log1p().item(), 1e-316);
    assertEquals(1e-300, Tensor.scalar(1e-300).expm1().item(), 1e-316);
    assertValues(new double[] {-1, 0, 1}, Tensor.of(-2, 0, 3).sign());
    assertValues(new double[] {-0.5, 0.2, 0.5}, Tensor.of(-2, 0.2, 3).clamp(-0.5, 0.5));
  }

  @Test
  void comparisonsProduceBooleanMasks() {
    Tensor m = Tensor.of(1, 2, 3).gt(1.5);
    assertTrue(m.isBool());
    assertValues(new double[] {0, 1, 1}, m);
    assertValues(new double[] {1, 0, 0}, m.not());
    assertValues(new double[] {10, 2, 3}, Tensor.where(m.not(), Tensor.scalar(10), Tensor.of(1, 2, 3)));
    assertValues(new double[] {0, 1, 0}, m.and(Tensor.of(1, 2, 3).lt(2.5)));
    assertValues(new double[] {1, 0}, Tensor.of(1, Double.NaN).isFinite());
    assertTrue(Tensor.ofBooleans(true, true).all());
    assertFalse(Tensor.ofBooleans(false, false).any());
    assertTrue(Tensor.fullBoolean(true, 2, 2).all());
    assertEquals("tensor([false, true, true], dtype=bool)", m.toString());
  }

  @Test
  void shapeOperations() {
    Tensor x = Tensor.arange(24).reshape(2, 3, 4);
    assertEquals(Shape.of(4, 6), x.reshape(4, -1).shape());
    assertEquals(Shape.of(4, 2, 3), x.permute(2, 0, 1).shape());
    assertEquals(13.0, x.permute(2, 0, 1).get(1, 1, 0), 0.0); // x[1, 0, 1]
    assertEquals(Shape.of(3, 4, 2), x.moveAxis(0, 2).shape());
    assertEquals(x.get(1, 2, 3), x.transpose(0, 2).get(3, 2, 1), 0.0);
    assertValues(new double[] {1, 3, 5}, Tensor.arange(7).slice(0, 1, 6, 2));
    assertValues(new double[] {3, 4, 5}, Tensor.arange(7).slice(0, -4, -1));
    assertValues(new double[] {4, 5, 6, 7}, x.select(1, 1).select(0, 0));
    assertValues(new double[] {3, 1, 3}, Tensor.arange(5).index(0, 3, 1, 3));
    assertValues(new double[] {4, 3}, Tensor.arange(5).index(0, -1, -2));
    assertEquals(
        Shape.of(2, 2, 2),
        Tensor.arange(6).reshape(2, 3).index(1, Tensor.of(new double[] {0, 2, 2, 1}, 2, 2)).shape());
    assertValues(new double[] {2, 1, 0}, Tensor.arange(3).flip(0));
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, Tensor.stack(1, Tensor.arange(3), Tensor.arange(3, 6, 1)));
    assertValues(
        new double[] {0, 1, 9, 2, 3, 9},
        Tensor.concat(1, Tensor.arange(4).reshape(2, 2), Tensor.full(9, 2, 1)));
    assertEquals(Shape.of(3), Tensor.zeros(1, 3, 1).squeeze().shape());
    assertEquals(Shape.of(3, 1), Tensor.zeros(1, 3, 1).squeeze(0).shape());
    assertEquals(Shape.of(3, 1), Tensor.zeros(3).unsqueeze(-1).shape());
    assertValues(new double[] {1, 2, 1, 2}, Tensor.of(1, 2).broadcastTo(2, 2));
    Tensor r = Tensor.arange(4);
    assertSame(r, r.reshape(4), "a reshape to the same shape is the same tensor");
  }

  @Test
  void boolDtypeSurvivesViews() {
    Tensor m = Tensor.ofBooleans(true, false, true, true).reshape(2, 2);
    assertTrue(m.transpose().isBool());
    assertTrue(m.select(0, 1).isBool());
    assertTrue(Tensor.stack(0, m, m).isBool());
    assertFalse(m.add(m).isBool(), "arithmetic on booleans gives floats");
  }

  @Test
  void toStringElidesLongAxes() {
    assertEquals("tensor([0.0, 1.0, 2.0, ..., 7.0, 8.0, 9.0])", Tensor.arange(10).toString());
    assertEquals("tensor(2.5)", Tensor.scalar(2.5).toString());
    assertEquals(
        "tensor([1.0, 2.0], grad_fn=x)", Autodiff.track(Tensor.of(1, 2), "x").toString());
  }

  @Test
  void matmulShapes() {
    Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor v = Tensor.of(1, 1);
    assertValues(new double[] {3, 7}, a.matmul(v));
    assertValues(new double[] {4, 6}, v.matmul(a));
    assertEquals(2.0, v.matmul(v).item(), 0.0);
    assertValues(new double[] {7, 10, 15, 22}, a.matmul(a));
    Tensor batch = Tensor.stack(0, a, a.mul(2)); // [2, 2, 2]
    assertEquals(Shape.of(2, 2, 2), batch.matmul(a).shape());
    assertValues(new double[] {14, 20, 30, 44}, batch.matmul(a).select(0, 1));
  }

  /** The BLAS and LAPACK paths agree with the loops on sizes above their thresholds. */
  @Test
  void blasPathsAgreeWithLoops() {
    SplittableRandom rng = new SplittableRandom(17);
    int n = 100; // >= BLAS_ORDER and n^3 >= BLAS_MATMUL_FLOPS
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = rng.nextDouble(-1, 1);
    }
    Tensor mt = Tensor.of(m, n, n);
    Tensor prod = mt.matmul(mt.transpose());
    for (int i = 0; i < n; i += 7) {
      for (int j = 0; j < n; j += 11) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += m[i * n + k] * m[j * n + k];
        }
        assertEquals(s, prod.get(i, j), 1e-12);
      }
    }
    Tensor spd = prod.add(Tensor.eye(n).mul(n));
    Tensor l = spd.cholesky();
    assertTrue(l.matmul(l.transpose()).allClose(spd, 1e-12, 1e-12), "L L^T == A");
    assertEquals(0.0, l.triu(1).abs().sum().item(), 0.0, "L is lower triangular");
    Tensor b = Tensor.of(java.util.Arrays.copyOf(m, n * 3), n, 3);
    Tensor x = l.triangularSolve(b, true);
    assertTrue(l.matmul(x).allClose(b, 1e-11, 1e-11), "L X == B");
    Tensor xu = l.transpose().triangularSolve(b, false);
    assertTrue(l.transpose().matmul(xu).allClose(b, 1e-11, 1e-11), "U X == B");
  }

  @Test
  void choleskyOfANonPositiveDefiniteMatrixSaysWhich() {
    Tensor ok = Tensor.eye(2);
    Tensor bad = Tensor.of(new double[][] {{1, 2}, {2, 1}});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, ok, bad).cholesky());
    assertTrue(
        e.getMessage().startsWith("cholesky: matrix 1 of [2, 2, 2] is not positive definite"),
        e.getMessage());
  }

  @Test
  void diagonalsAndTriangles() {
    Tensor x = Tensor.arange(12).reshape(3, 4);
    assertValues(new double[] {0, 5, 10}, x.diagonal());
    assertValues(new double[] {1, 0, 0, 2}, Tensor.of(1, 2).diagEmbed());
    assertValues(new double[] {0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0}, x.tril(0));
    assertValues(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11}, x.triu(-1));
  }
}
