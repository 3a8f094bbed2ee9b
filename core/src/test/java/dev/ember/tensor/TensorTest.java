// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forward values of tensor operations against results computed by hand (every expected number
 * here can be checked with pencil and paper; most are exact in binary, so they are compared
 * exactly).
 */
class TensorTest {

  private static void assertValues(double[] expected, Tensor t) {
    assertArrayEquals(expected, t.toArray(), 1e-15);
  }

  private static void assertExact(double[] expected, Shape shape, Tensor t) {
    assertEquals(shape, t.shape());
    assertArrayEquals(expected, t.toArray(), 0.0);
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
    double[] out = copy.toArray();
    out[1] = 99;
    assertEquals(2.0, copy.get(1), 0.0, "toArray copies too: tensors are immutable");
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
    // [3, 1] with [4] -> [3, 4]: an outer sum
    assertExact(
        new double[] {11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43},
        Shape.of(3, 4),
        Tensor.of(new double[] {1, 2, 3}, 3, 1).add(Tensor.of(10, 20, 30, 40)));
    // [4] with [3, 1], the other way round
    assertExact(
        new double[] {9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37},
        Shape.of(3, 4),
        Tensor.of(10, 20, 30, 40).sub(Tensor.of(new double[] {1, 2, 3}, 3, 1)));
    // [2, 3, 4] with [4]: the last axis lines up
    Tensor cube = Tensor.arange(24).reshape(2, 3, 4).mul(Tensor.of(1, 10, 100, 1000));
    assertEquals(Shape.of(2, 3, 4), cube.shape());
    assertEquals(23000.0, cube.get(1, 2, 3), 0.0);
    assertEquals(1400.0, cube.get(1, 0, 2), 0.0);
    // [] with [5] and [] with []
    assertExact(new double[] {2, 3, 4, 5, 6}, Shape.of(5), Tensor.scalar(2).add(Tensor.arange(5)));
    assertExact(new double[] {6}, Shape.SCALAR, Tensor.scalar(2).mul(Tensor.scalar(3)));
    // [1, 1] with [2, 3] and size-1 axes on both sides: [2, 1, 3] with [4, 1] -> [2, 4, 3]
    assertExact(new double[] {5, 5}, Shape.of(1, 2), Tensor.full(2, 1, 1).add(Tensor.full(3, 1, 2)));
    Tensor both = Tensor.arange(6).reshape(2, 1, 3).add(Tensor.arange(4).reshape(4, 1).mul(10));
    assertEquals(Shape.of(2, 4, 3), both.shape());
    assertEquals(5 + 30.0, both.get(1, 3, 2), 0.0);
  }

  /**
   * Every broadcast of add, sub, mul and div (walked in place as runs) equals the same operation
   * on operands first expanded with broadcastTo (a strided gather), bit for bit, over random pairs
   * of shapes up to rank 4.
   */
  @Test
  void broadcastArithmeticEqualsArithmeticOnExpandedOperands() {
    RandomTensors r = RandomTensors.seeded("broadcast arithmetic");
    for (int k = 0; k < 300; k++) {
      Shape out = r.shape(0, 4);
      Shape sa = r.broadcastableTo(out);
      Shape sb = r.broadcastableTo(out);
      Tensor a = r.normal(sa);
      Tensor b = r.normal(sb).add(3.0);
      Shape s = Shape.broadcast(sa, sb, "test");
      Tensor ea = a.broadcastTo(s);
      Tensor eb = b.broadcastTo(s);
      String at = sa + " with " + sb;
      assertArrayEquals(ea.add(eb).toArray(), a.add(b).toArray(), 0.0, "add " + at);
      assertArrayEquals(ea.sub(eb).toArray(), a.sub(b).toArray(), 0.0, "sub " + at);
      assertArrayEquals(ea.mul(eb).toArray(), a.mul(b).toArray(), 0.0, "mul " + at);
      assertArrayEquals(ea.div(eb).toArray(), a.div(b).toArray(), 0.0, "div " + at);
      assertArrayEquals(eb.sub(ea).toArray(), b.sub(a).toArray(), 0.0, "sub " + sb + " with " + sa);
      assertEquals(s, a.add(b).shape());
    }
    assertExact(new double[0], Shape.of(0, 3), Tensor.zeros(0, 1).add(Tensor.ones(3)));
  }

  @Test
  void scalarArithmeticIsExact() {
    for (double v : new double[] {0.1, 0.7, 1.3, 2.9, 1e300, -5e-324}) {
      Tensor t = Tensor.scalar(v);
      assertEquals(v / 3, t.div(3.0).item(), 0.0, "div is a true division");
      assertEquals(v + 0.2, t.add(0.2).item(), 0.0);
      assertEquals(v - 0.2, t.sub(0.2).item(), 0.0);
      assertEquals(0.2 - v, t.rsub(0.2).item(), 0.0);
      assertEquals(v * 0.3, t.mul(0.3).item(), 0.0);
      assertEquals(-v, t.neg().item(), 0.0);
    }
    assertEquals((0.1 + 0.2 + 0.3) / 3, Tensor.of(0.1, 0.2, 0.3).mean().item(), 1e-17);
  }

  @Test
  void elementwiseFunctionsByHand() {
    assertValues(new double[] {1, Math.E, 1 / Math.E}, Tensor.of(0, 1, -1).exp());
    assertValues(new double[] {0, 1, -1}, Tensor.of(1, Math.E, 1 / Math.E).log());
    assertValues(new double[] {0, Math.log(2)}, Tensor.of(0, 1).log1p());
    assertValues(new double[] {0, Math.E - 1}, Tensor.of(0, 1).expm1());
    assertValues(new double[] {0, 1.5, 3}, Tensor.of(0, 2.25, 9).sqrt());
    assertValues(new double[] {2, 0, 3}, Tensor.of(-2, 0, 3).abs());
    assertValues(new double[] {-1, 0, 1}, Tensor.of(-2, 0, 3).sign());
    assertValues(new double[] {4, 0.25, 9}, Tensor.of(-2, 0.5, 3).square());
    assertValues(new double[] {-0.5, 2, 0.25}, Tensor.of(-2, 0.5, 4).reciprocal());
    assertValues(new double[] {0.5, 1 / (1 + Math.exp(-2))}, Tensor.of(0, 2).sigmoid());
    assertValues(new double[] {Math.log(2), Math.log1p(Math.E)}, Tensor.of(0, 1).softplus());
    assertValues(new double[] {-Math.log(2)}, Tensor.of(0).logSigmoid());
    assertValues(new double[] {0, Math.tanh(1)}, Tensor.of(0, 1).tanh());
    assertValues(new double[] {0, 1, 0}, Tensor.of(0, Math.PI / 2, Math.PI).sin());
    assertValues(new double[] {1, -1}, Tensor.of(0, Math.PI).cos());
    assertValues(new double[] {-3, 2, -1}, Tensor.of(-2.5, 2.5, -0.0001).floor());
    assertValues(new double[] {0, Math.log(6)}, Tensor.of(1, 4).logGamma()); // log 0!, log 3!
    // -Euler's gamma and 1 - gamma; digamma sums terms up to log 49 (see ReferenceValuesTest)
    assertArrayEquals(
        new double[] {-0.5772156649015329, 1 - 0.5772156649015329},
        Tensor.of(1, 2).digamma().toArray(),
        1e-14);
    // pi^2 / 6, within Commons Numbers' series bias (see ReferenceValuesTest)
    assertEquals(
        Math.PI * Math.PI / 6,
        Tensor.scalar(1).trigamma().item(),
        ReferenceValuesTest.TRIGAMMA_SERIES_BIAS + 1e-15);
    assertValues(new double[] {0, 0.5}, Tensor.of(0, 0.4769362762044699).erf());
    assertValues(new double[] {0, 0.4769362762044699}, Tensor.of(0, 0.5).erfinv());
    assertValues(new double[] {-0.5, 0.2, 0.5, 0.5}, Tensor.of(-2, 0.2, 0.5, 3).clamp(-0.5, 0.5));
    assertValues(new double[] {1, 8, 0.125}, Tensor.of(1, 4, 0.25).pow(1.5));
    assertValues(new double[] {1, 1, 1}, Tensor.of(0, 4, -3).pow(0.0));
  }

  @Test
  void reductions() {
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(21.0, x.sum().item(), 0.0);
    assertExact(new double[] {5, 7, 9}, Shape.of(3), x.sum(0));
    assertExact(new double[] {6, 15}, Shape.of(2), x.sum(-1));
    assertExact(new double[] {6, 15}, Shape.of(2, 1), x.sum(1, true));
    assertExact(new double[] {5, 7, 9}, Shape.of(1, 3), x.sum(0, true));
    assertEquals(3.5, x.mean().item(), 0.0);
    assertExact(new double[] {2.5, 3.5, 4.5}, Shape.of(3), x.mean(0));
    assertExact(new double[] {2, 5}, Shape.of(2, 1), x.mean(1, true));
    assertEquals(720.0, x.prod().item(), 0.0);
    assertExact(new double[] {6, 120}, Shape.of(2), x.prod(1));
    assertExact(new double[] {4, 10, 18}, Shape.of(1, 3), x.prod(0, true));
    assertExact(new double[] {3, 6}, Shape.of(2), x.max(1));
    assertExact(new double[] {4, 5, 6}, Shape.of(1, 3), x.max(0, true));
    assertEquals(6.0, x.max().item(), 0.0);
    assertExact(new double[] {1, 2, 3}, Shape.of(3), x.min(0));
    assertExact(new double[] {1, 4}, Shape.of(2, 1), x.min(-1, true));
    assertEquals(1.0, x.min().item(), 0.0);
    assertExact(new double[] {1, 3, 6, 4, 9, 15}, Shape.of(2, 3), x.cumsum(1));
    assertExact(new double[] {1, 2, 3, 5, 7, 9}, Shape.of(2, 3), x.cumsum(0));
    assertExact(new double[] {2, 2}, Shape.of(2), x.argmax(1));
    assertExact(new double[] {5, 7, 9}, Shape.of(3), x.sumTo(Shape.of(3)));
    assertExact(new double[] {6, 15}, Shape.of(2, 1), x.sumTo(Shape.of(2, 1)));
    assertExact(new double[] {21}, Shape.of(1, 1), x.sumTo(Shape.of(1, 1)));
    assertExact(new double[] {21}, Shape.SCALAR, x.sumTo(Shape.SCALAR));
    // log-sum-exp: log(1 + 3) and log(2 + 2), and the whole: log 8
    Tensor l = Tensor.of(new double[] {0, Math.log(3), Math.log(2), Math.log(2)}, 2, 2);
    assertValues(new double[] {Math.log(4), Math.log(4)}, l.logSumExp(1));
    assertEquals(Shape.of(2, 1), l.logSumExp(1, true).shape());
    assertValues(new double[] {Math.log(3), Math.log(3 + 2)}, l.logSumExp(0));
    assertEquals(Math.log(8), l.logSumExp().item(), 1e-15);
    // reductions of a scalar and of an empty axis
    assertEquals(7.0, Tensor.scalar(7).sum().item(), 0.0);
    assertEquals(7.0, Tensor.scalar(7).max().item(), 0.0);
    assertEquals(0.0, Tensor.zeros(0).sum().item(), 0.0);
    assertEquals(1.0, Tensor.zeros(0).prod().item(), 0.0);
    assertExact(new double[] {0, 0}, Shape.of(2), Tensor.zeros(2, 0).sum(1));
    // a 3-D reduction over the middle axis
    Tensor c = Tensor.arange(24).reshape(2, 3, 4);
    assertExact(
        new double[] {12, 15, 18, 21, 48, 51, 54, 57}, Shape.of(2, 4), c.sum(1));
    assertExact(
        new double[] {0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 18, 21},
        Shape.of(3, 4),
        c.select(0, 0).cumsum(0));
  }

  @Test
  void comparisonsProduceBooleanMasks() {
    Tensor m = Tensor.of(1, 2, 3).gt(1.5);
    assertTrue(m.isBool());
    assertValues(new double[] {0, 1, 1}, m);
    assertValues(new double[] {1, 0, 0}, m.not());
    assertValues(new double[] {10, 2, 3}, Tensor.where(m.not(), Tensor.scalar(10), Tensor.of(1, 2, 3)));
    assertValues(new double[] {0, 1, 0}, m.and(Tensor.of(1, 2, 3).lt(2.5)));
    assertValues(new double[] {1, 1, 1}, m.or(Tensor.of(1, 2, 3).lt(1.5)));
    assertValues(new double[] {0, 1, 0}, Tensor.of(1, 2, 3).eq(2));
    assertValues(new double[] {1, 0, 1}, Tensor.of(1, 2, 3).ne(Tensor.scalar(2)));
    assertValues(new double[] {1, 1, 0}, Tensor.of(1, 2, 3).le(2));
    assertValues(new double[] {0, 1, 1}, Tensor.of(1, 2, 3).ge(2));
    assertValues(new double[] {1, 0}, Tensor.of(1, Double.NaN).isFinite());
    assertValues(new double[] {0, 0}, Tensor.of(Double.NaN, 1).eq(Tensor.of(Double.NaN, 2)));
    assertTrue(Tensor.ofBooleans(true, true).all());
    assertFalse(Tensor.ofBooleans(false, false).any());
    assertTrue(Tensor.fullBoolean(true, 2, 2).all());
    assertEquals("tensor([false, true, true], dtype=bool)", m.toString());
    // where broadcasts mask, a and b: a [2, 1] column, b a scalar
    assertExact(
        new double[] {1, 0, 1, 2, 0, 2},
        Shape.of(2, 3),
        Tensor.where(
            Tensor.ofBooleans(true, false, true),
            Tensor.of(new double[] {1, 2}, 2, 1),
            Tensor.scalar(0)));
  }

  @Test
  void shapeOperations() {
    Tensor x = Tensor.arange(24).reshape(2, 3, 4);
    assertEquals(Shape.of(4, 6), x.reshape(4, -1).shape());
    assertExact(new double[] {0, 1, 2, 3, 4, 5}, Shape.of(3, 2), Tensor.arange(6).reshape(3, 2));
    assertEquals(Shape.of(4, 2, 3), x.permute(2, 0, 1).shape());
    assertEquals(13.0, x.permute(2, 0, 1).get(1, 1, 0), 0.0); // x[1, 0, 1]
    assertExact(
        new double[] {0, 12, 1, 13, 2, 14, 3, 15},
        Shape.of(4, 2),
        x.select(1, 0).transpose());
    assertEquals(Shape.of(3, 4, 2), x.moveAxis(0, 2).shape());
    assertEquals(x.get(1, 2, 3), x.moveAxis(0, 2).get(2, 3, 1), 0.0);
    assertEquals(x.get(1, 2, 3), x.moveAxis(-1, 0).get(3, 1, 2), 0.0);
    assertEquals(x.get(1, 2, 3), x.transpose(0, 2).get(3, 2, 1), 0.0);
    assertValues(new double[] {1, 3, 5}, Tensor.arange(7).slice(0, 1, 6, 2));
    assertValues(new double[] {3, 4, 5}, Tensor.arange(7).slice(0, -4, -1));
    assertValues(new double[] {4, 6}, Tensor.arange(7).slice(0, -3, 7, 2));
    assertExact(new double[] {1, 3, 5, 7, 9, 11}, Shape.of(3, 2), Tensor.arange(12).reshape(3, 4).slice(1, 1, 4, 2));
    assertExact(new double[0], Shape.of(0), Tensor.arange(4).slice(0, 2, 2));
    assertValues(new double[] {4, 5, 6, 7}, x.select(1, 1).select(0, 0));
    assertExact(new double[] {15, 19, 23}, Shape.of(3), x.select(-1, -1).select(0, 1));
    assertValues(new double[] {3, 1, 3}, Tensor.arange(5).index(0, 3, 1, 3));
    assertValues(new double[] {4, 3}, Tensor.arange(5).index(0, -1, -2));
    assertExact(
        new double[] {0, 2, 2, 1, 3, 5, 5, 4},
        Shape.of(2, 2, 2),
        Tensor.arange(6).reshape(2, 3).index(1, Tensor.of(new double[] {0, 2, 2, 1}, 2, 2)));
    assertExact(new double[] {3, 4, 5}, Shape.of(3), Tensor.arange(6).reshape(2, 3).index(0, Tensor.scalar(1)));
    assertValues(new double[] {2, 1, 0}, Tensor.arange(3).flip(0));
    assertExact(new double[] {3, 4, 5, 0, 1, 2}, Shape.of(2, 3), Tensor.arange(6).reshape(2, 3).flip(0));
    assertExact(new double[] {2, 1, 0, 5, 4, 3}, Shape.of(2, 3), Tensor.arange(6).reshape(2, 3).flip(-1));
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, Tensor.stack(1, Tensor.arange(3), Tensor.arange(3, 6, 1)));
    assertExact(new double[] {0, 1, 2, 3, 4, 5}, Shape.of(2, 3), Tensor.stack(0, Tensor.arange(3), Tensor.arange(3, 6, 1)));
    assertExact(new double[] {1, 2}, Shape.of(2), Tensor.stack(-1, Tensor.scalar(1), Tensor.scalar(2)));
    assertValues(
        new double[] {0, 1, 9, 2, 3, 9},
        Tensor.concat(1, Tensor.arange(4).reshape(2, 2), Tensor.full(9, 2, 1)));
    assertExact(
        new double[] {0, 1, 2, 3, 7, 7},
        Shape.of(3, 2),
        Tensor.concat(0, Tensor.arange(4).reshape(2, 2), Tensor.full(7, 1, 2)));
    assertEquals(Shape.of(3), Tensor.zeros(1, 3, 1).squeeze().shape());
    assertEquals(Shape.of(3, 1), Tensor.zeros(1, 3, 1).squeeze(0).shape());
    assertEquals(Shape.of(1, 3), Tensor.zeros(1, 3, 1).squeeze(-1).shape());
    assertEquals(Shape.of(3, 1), Tensor.zeros(3).unsqueeze(-1).shape());
    assertEquals(Shape.of(1, 3), Tensor.zeros(3).unsqueeze(0).shape());
    assertEquals(Shape.of(1), Tensor.scalar(5).unsqueeze(0).shape());
    assertValues(new double[] {1, 2, 1, 2}, Tensor.of(1, 2).broadcastTo(2, 2));
    assertExact(new double[] {1, 1, 2, 2}, Shape.of(2, 2), Tensor.of(new double[] {1, 2}, 2, 1).broadcastTo(2, 2));
    assertExact(new double[] {4, 4, 4, 4, 4, 4}, Shape.of(2, 1, 3), Tensor.scalar(4).broadcastTo(2, 1, 3));
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
    assertTrue(m.tril(0).isBool());
  }

  @Test
  void toStringElidesLongAxes() {
    assertEquals("tensor([0.0, 1.0, 2.0, ..., 7.0, 8.0, 9.0])", Tensor.arange(10).toString());
    assertEquals("tensor(2.5)", Tensor.scalar(2.5).toString());
    assertEquals("tensor([[1.0, 2.0], [3.0, 4.0]])", Tensor.of(new double[][] {{1, 2}, {3, 4}}).toString());
    assertEquals(
        "tensor([1.0, 2.0], grad_fn=x)", Autodiff.track(Tensor.of(1, 2), "x").toString());
  }

  @Test
  void matmulByHand() {
    Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor v = Tensor.of(1, 1);
    assertExact(new double[] {3, 7}, Shape.of(2), a.matmul(v));
    assertExact(new double[] {4, 6}, Shape.of(2), v.matmul(a));
    assertExact(new double[] {2}, Shape.SCALAR, v.matmul(v));
    assertExact(new double[] {7, 10, 15, 22}, Shape.of(2, 2), a.matmul(a));
    Tensor batch = Tensor.stack(0, a, a.mul(2)); // [2, 2, 2]
    assertEquals(Shape.of(2, 2, 2), batch.matmul(a).shape());
    assertValues(new double[] {14, 20, 30, 44}, batch.matmul(a).select(0, 1));
    assertExact(new double[] {3, 7, 6, 14}, Shape.of(2, 2), batch.matmul(v));
    // broadcast batch axes: [2, 1, 2, 2] @ [3, 2, 1] -> [2, 3, 2, 1]
    Tensor cols = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2, 1);
    Tensor out = batch.unsqueeze(1).matmul(cols);
    assertEquals(Shape.of(2, 3, 2, 1), out.shape());
    assertExact(new double[] {4, 8}, Shape.of(2, 1), out.select(0, 1).select(0, 1)); // 2a @ [0, 1]
    // a non-square product [2, 3] @ [3, 1]
    assertExact(
        new double[] {14, 32},
        Shape.of(2, 1),
        Tensor.arange(1, 7, 1).reshape(2, 3).matmul(Tensor.of(new double[] {1, 2, 3}, 3, 1)));
  }

  @Test
  void factorizationsByHand() {
    // [[4, 2], [2, 5]] = L L^T with L = [[2, 0], [1, 2]]; det = 16
    Tensor a = Tensor.of(new double[][] {{4, 2}, {2, 5}});
    assertExact(new double[] {2, 0, 1, 2}, Shape.of(2, 2), a.cholesky());
    assertEquals(Math.log(16), a.logDet().item(), 1e-15);
    // cholesky reads only the lower triangle
    Tensor junkAbove = Tensor.of(new double[][] {{4, 99}, {2, 5}});
    assertExact(new double[] {2, 0, 1, 2}, Shape.of(2, 2), junkAbove.cholesky());
    // batched: diag(1, 4) and diag(9, 16)
    Tensor diag = Tensor.stack(0, Tensor.of(1, 4).diagEmbed(), Tensor.of(9, 16).diagEmbed());
    assertExact(new double[] {1, 0, 0, 2, 3, 0, 0, 4}, Shape.of(2, 2, 2), diag.cholesky());
    assertValues(new double[] {Math.log(4), Math.log(144)}, diag.logDet());
    // L x = b: [[2, 0], [1, 2]] x = [2, 5] -> x = [1, 2]; the upper triangle is never read
    Tensor l = Tensor.of(new double[][] {{2, 99}, {1, 2}});
    assertExact(new double[] {1, 2}, Shape.of(2, 1), l.triangularSolve(Tensor.of(new double[] {2, 5}, 2, 1), true));
    // U x = b: [[2, 1], [0, 2]] x = [4, 4] -> x = [1, 2]
    Tensor u = Tensor.of(new double[][] {{2, 1}, {-7, 2}});
    assertExact(new double[] {1, 2}, Shape.of(2, 1), u.triangularSolve(Tensor.of(new double[] {4, 4}, 2, 1), false));
    // one matrix, a batch of right-hand sides
    Tensor rhs = Tensor.of(new double[] {2, 5, 4, 6}, 2, 2, 1);
    assertExact(new double[] {1, 2, 2, 2}, Shape.of(2, 2, 1), l.triangularSolve(rhs, true));
  }

  /** The BLAS and LAPACK paths agree with direct sums on sizes above their thresholds. */
  @Test
  void blasPathsAgreeWithLoops() {
    SplittableRandom rng = new SplittableRandom(17);
    int n = 100;
    assertTrue(n >= LinearAlgebra.BLAS_ORDER && (long) n * n * n >= LinearAlgebra.BLAS_MATMUL_FLOPS);
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
  void diagonalsAndTriangles() {
    Tensor x = Tensor.arange(12).reshape(3, 4);
    assertExact(new double[] {0, 5, 10}, Shape.of(3), x.diagonal());
    assertExact(new double[] {0, 3, 4, 7}, Shape.of(2, 2), Tensor.arange(8).reshape(2, 2, 2).diagonal());
    assertExact(new double[] {1, 0, 0, 2}, Shape.of(2, 2), Tensor.of(1, 2).diagEmbed());
    assertExact(new double[] {1, 0, 0, 2, 3, 0, 0, 4}, Shape.of(2, 2, 2), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).diagEmbed());
    assertExact(new double[] {0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0}, Shape.of(3, 4), x.tril(0));
    assertExact(new double[] {0, 1, 0, 0, 4, 5, 6, 0, 8, 9, 10, 11}, Shape.of(3, 4), x.tril(1));
    assertExact(new double[] {0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0}, Shape.of(3, 4), x.tril(-1));
    assertExact(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11}, Shape.of(3, 4), x.triu(-1));
    assertExact(new double[] {0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11}, Shape.of(3, 4), x.triu(0));
    assertExact(new double[] {0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, Shape.of(3, 4), x.triu(3));
    assertExact(new double[12], Shape.of(3, 4), x.tril(-5));
    // no overflow at the extremes of k
    assertExact(x.toArray(), Shape.of(3, 4), x.tril(Integer.MAX_VALUE));
    assertExact(x.toArray(), Shape.of(3, 4), x.triu(Integer.MIN_VALUE));
    assertExact(new double[12], Shape.of(3, 4), x.tril(Integer.MIN_VALUE));
    assertExact(new double[12], Shape.of(3, 4), x.triu(Integer.MAX_VALUE));
  }
}
