// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.tensor.RandomTensors;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable elementwise, reduction and shape operation against central finite
 * differences ({@link GradCheck}): at {@link #POINTS} random points per case, each with a freshly
 * drawn random shape (ranks 0 to 3, broadcasting pairs, random axes and indices) besides the
 * fixed broadcasting cases. A non-scalar result is reduced with random weights, so that every
 * output element's gradient counts separately. Linear algebra is in {@code
 * dev.ember.tensor.LinearAlgebraGradientTest}, which can see the BLAS thresholds.
 *
 * <p>Points stay away from the kinks of non-smooth operations (abs at 0, clamp's bounds, ties of
 * min/max), where finite differences cannot decide; the conventions at the kinks themselves are
 * pinned exactly in {@link #subgradientConventions()}.
 */
class OpGradientTest {
  static final int POINTS = 3;

  /** One random point: the parameters and the function of them to differentiate. */
  record Point(Map<String, Tensor> at, Function<Map<String, Tensor>, Tensor> fn) {}

  /** A named case: draws a random point (shapes, values, axes) from a seeded generator. */
  record Case(String name, Function<RandomTensors, Point> draw) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Draws the values of a parameter of a given shape. */
  @FunctionalInterface
  interface Gen {
    Tensor draw(RandomTensors r, Shape s);
  }

  static final Gen REAL = RandomTensors::normal;
  static final Gen POSITIVE = (r, s) -> r.uniform(s, 0.5, 2.5);
  static final Gen OPEN_UNIT = (r, s) -> r.uniform(s, -0.9, 0.9);
  static final Gen NONZERO = (r, s) -> r.normalAwayFrom(s, 0.05, 0.0);

  private static Map<String, Tensor> params(Object... nameValue) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], (Tensor) nameValue[i + 1]);
    }
    return m;
  }

  /** {@code f(x)} for {@code x} of a random shape of rank {@code [minRank, 3]}. */
  private static Case unary(String name, int minRank, Gen gen, UnaryOperator<Tensor> f) {
    return new Case(
        name,
        r -> new Point(params("x", gen.draw(r, r.shape(minRank, 3))), m -> f.apply(m.get("x"))));
  }

  private static Case unary(String name, Gen gen, UnaryOperator<Tensor> f) {
    return unary(name, 0, gen, f);
  }

  /** {@code f(a, b)} for fixed shapes. */
  private static Case binary(
      String name, int[] sa, Gen ga, int[] sb, Gen gb, BinaryOperator<Tensor> f) {
    return new Case(
        name + " " + Shape.of(sa) + " " + Shape.of(sb),
        r ->
            new Point(
                params("a", ga.draw(r, Shape.of(sa)), "b", gb.draw(r, Shape.of(sb))),
                m -> f.apply(m.get("a"), m.get("b"))));
  }

  /** {@code f(a, b)} for a random pair of shapes that broadcast (either way round). */
  private static Case binaryRandom(String name, Gen ga, Gen gb, BinaryOperator<Tensor> f) {
    return new Case(
        name + " random broadcast",
        r -> {
          Shape out = r.shape(0, 3);
          Shape other = r.broadcastableTo(out);
          boolean swap = r.nextInt(2) == 0;
          Shape sa = swap ? other : out;
          Shape sb = swap ? out : other;
          return new Point(
              params("a", ga.draw(r, sa), "b", gb.draw(r, sb)),
              m -> f.apply(m.get("a"), m.get("b")));
        });
  }

  private static int[] s(int... d) {
    return d;
  }

  /** A random axis of a rank-{@code rank} tensor, negative half of the time. */
  private static int axis(RandomTensors r, int rank) {
    int a = r.nextInt(rank);
    return r.nextInt(2) == 0 ? a : a - rank;
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    arithmetic(c);
    unaryMath(c);
    reductions(c);
    shapeOps(c);
    return c.stream();
  }

  private static void arithmetic(List<Case> c) {
    int[][][] fixed = {{s(3, 1), s(4)}, {s(2, 3, 4), s(4)}, {s(), s(5)}, {s(), s()}, {s(2, 3), s(2, 3)}};
    for (int[][] sh : fixed) {
      c.add(binary("add", sh[0], REAL, sh[1], REAL, Tensor::add));
      c.add(binary("sub", sh[0], REAL, sh[1], REAL, Tensor::sub));
      c.add(binary("mul", sh[0], REAL, sh[1], REAL, Tensor::mul));
      c.add(binary("div", sh[0], REAL, sh[1], POSITIVE, Tensor::div));
      c.add(binary("pow", sh[0], POSITIVE, sh[1], REAL, Tensor::pow));
      c.add(binary("minimum", sh[0], REAL, sh[1], REAL, Tensor::minimum));
      c.add(binary("maximum", sh[0], REAL, sh[1], REAL, Tensor::maximum));
    }
    c.add(binary("add", s(4), REAL, s(3, 1), REAL, Tensor::add)); // the scalar-free other way
    c.add(binary("div", s(5), POSITIVE, s(), POSITIVE, Tensor::div)); // divisor broadcast
    c.add(binaryRandom("add", REAL, REAL, Tensor::add));
    c.add(binaryRandom("sub", REAL, REAL, Tensor::sub));
    c.add(binaryRandom("mul", REAL, REAL, Tensor::mul));
    c.add(binaryRandom("div", REAL, POSITIVE, Tensor::div));
    c.add(binaryRandom("pow", POSITIVE, REAL, Tensor::pow));
    c.add(binaryRandom("minimum", REAL, REAL, Tensor::minimum));
    c.add(binaryRandom("maximum", REAL, REAL, Tensor::maximum));
    c.add(unary("add scalar", REAL, x -> x.add(1.5)));
    c.add(unary("sub scalar", REAL, x -> x.sub(1.5)));
    c.add(unary("rsub scalar", REAL, x -> x.rsub(1.5)));
    c.add(unary("mul scalar", REAL, x -> x.mul(-2.5)));
    c.add(unary("div scalar", REAL, x -> x.div(3.0)));
    c.add(unary("neg", REAL, Tensor::neg));
    c.add(unary("pow 3", REAL, x -> x.pow(3.0)));
    c.add(unary("pow 2", REAL, x -> x.pow(2.0)));
    c.add(unary("pow 1", REAL, x -> x.pow(1.0)));
    c.add(unary("pow 0", REAL, x -> x.pow(0.0)));
    c.add(unary("pow 0.5", POSITIVE, x -> x.pow(0.5)));
    c.add(unary("pow -1.5", POSITIVE, x -> x.pow(-1.5)));
    c.add(unary("x * x (one input used twice)", REAL, x -> x.mul(x)));
  }

  private static void unaryMath(List<Case> c) {
    c.add(unary("exp", REAL, Tensor::exp));
    c.add(unary("log", POSITIVE, Tensor::log));
    c.add(unary("log1p", (r, s) -> r.uniform(s, -0.5, 2.0), Tensor::log1p));
    c.add(unary("expm1", REAL, Tensor::expm1));
    c.add(unary("sqrt", POSITIVE, Tensor::sqrt));
    c.add(unary("abs", NONZERO, Tensor::abs));
    c.add(unary("sign", NONZERO, Tensor::sign));
    c.add(unary("square", REAL, Tensor::square));
    c.add(unary("reciprocal", POSITIVE, Tensor::reciprocal));
    c.add(unary("reciprocal negative", POSITIVE, x -> x.neg().reciprocal()));
    c.add(unary("sigmoid", (r, s) -> r.normal(s).mul(3.0), Tensor::sigmoid));
    c.add(unary("logSigmoid", (r, s) -> r.normal(s).mul(3.0), Tensor::logSigmoid));
    c.add(unary("softplus", (r, s) -> r.normal(s).mul(3.0), Tensor::softplus));
    c.add(unary("softplus near 30", REAL, x -> x.add(30.0).softplus()));
    c.add(unary("softplus near -30", REAL, x -> x.sub(30.0).softplus()));
    c.add(unary("logSigmoid near 30", REAL, x -> x.add(30.0).logSigmoid()));
    c.add(unary("logSigmoid near -30", REAL, x -> x.sub(30.0).logSigmoid()));
    c.add(unary("sigmoid near -30", REAL, x -> x.sub(30.0).sigmoid()));
    c.add(unary("tanh", REAL, Tensor::tanh));
    c.add(unary("sin", (r, s) -> r.normal(s).mul(3.0), Tensor::sin));
    c.add(unary("cos", (r, s) -> r.normal(s).mul(3.0), Tensor::cos));
    c.add(unary("logGamma", POSITIVE, Tensor::logGamma));
    c.add(unary("logGamma large", (r, s) -> r.uniform(s, 5.0, 60.0), Tensor::logGamma));
    c.add(unary("digamma", POSITIVE, Tensor::digamma));
    c.add(unary("digamma large", (r, s) -> r.uniform(s, 5.0, 60.0), Tensor::digamma));
    c.add(unary("erf", REAL, Tensor::erf));
    c.add(unary("erfinv", OPEN_UNIT, Tensor::erfinv));
    // clamp: points inside and outside [-0.5, 0.5], none within 0.05 of a bound
    c.add(
        unary(
            "clamp",
            (r, s) -> r.normalAwayFrom(s, 0.05, -0.5, 0.5),
            x -> x.clamp(-0.5, 0.5)));
    c.add(
        new Case(
            "where random broadcast",
            r -> {
              Shape out = r.shape(0, 3);
              Tensor mask = r.bools(r.broadcastableTo(out));
              Shape sa = r.broadcastableTo(out);
              return new Point(
                  params("a", r.normal(sa), "b", r.normal(out)),
                  m -> Tensor.where(mask, m.get("a"), m.get("b")));
            }));
    c.add(
        new Case(
            "where [2, 3] mask",
            r -> {
              Tensor mask = Tensor.ofBooleans(true, false, true, false, false, true).reshape(2, 3);
              return new Point(
                  params("a", r.normal(Shape.of(2, 3)), "b", r.normal(Shape.of(3))),
                  m -> Tensor.where(mask, m.get("a"), m.get("b")));
            }));
  }

  /** {@code f(x, axis)} for a random shape of rank >= 1 and a random axis. */
  private static Case alongAxis(String name, Gen gen, AxisOp f) {
    return new Case(
        name,
        r -> {
          Shape s = r.shape(1, 3);
          int axis = axis(r, s.rank());
          return new Point(params("x", gen.draw(r, s)), m -> f.apply(m.get("x"), axis));
        });
  }

  /** An operation along an axis. */
  @FunctionalInterface
  interface AxisOp {
    Tensor apply(Tensor x, int axis);
  }

  private static void reductions(List<Case> c) {
    c.add(unary("sum", REAL, Tensor::sum));
    c.add(alongAxis("sum axis", REAL, Tensor::sum));
    c.add(alongAxis("sum axis keepDims", REAL, (x, a) -> x.sum(a, true)));
    c.add(unary("mean", REAL, Tensor::mean));
    c.add(alongAxis("mean axis", REAL, Tensor::mean));
    c.add(alongAxis("mean axis keepDims", REAL, (x, a) -> x.mean(a, true)));
    c.add(unary("prod", POSITIVE, Tensor::prod));
    c.add(unary("prod of signed values", REAL, Tensor::prod));
    c.add(alongAxis("prod axis", REAL, Tensor::prod));
    c.add(alongAxis("prod axis keepDims", REAL, (x, a) -> x.prod(a, true)));
    c.add(unary("max", REAL, Tensor::max));
    c.add(alongAxis("max axis", REAL, Tensor::max));
    c.add(alongAxis("max axis keepDims", REAL, (x, a) -> x.max(a, true)));
    c.add(unary("min", REAL, Tensor::min));
    c.add(alongAxis("min axis", REAL, Tensor::min));
    c.add(alongAxis("min axis keepDims", REAL, (x, a) -> x.min(a, true)));
    c.add(unary("logSumExp", (r, s) -> r.normal(s).mul(3.0), Tensor::logSumExp));
    c.add(alongAxis("logSumExp axis", (r, s) -> r.normal(s).mul(3.0), Tensor::logSumExp));
    c.add(alongAxis("logSumExp axis keepDims", REAL, (x, a) -> x.logSumExp(a, true)));
    c.add(alongAxis("cumsum", REAL, Tensor::cumsum));
    c.add(
        new Case(
            "sumTo",
            r -> {
              Shape from = r.shape(0, 3);
              Shape to = r.broadcastableTo(from);
              return new Point(params("x", r.normal(from)), m -> m.get("x").sumTo(to));
            }));
  }

  private static void shapeOps(List<Case> c) {
    c.add(unary("reshape -1", REAL, x -> x.reshape(-1)));
    c.add(
        unary(
            "reshape to reversed dims",
            1,
            REAL,
            x -> {
              int[] d = x.dims();
              int[] rev = new int[d.length];
              for (int i = 0; i < d.length; i++) {
                rev[i] = d[d.length - 1 - i];
              }
              return x.reshape(rev);
            }));
    c.add(
        new Case(
            "broadcastTo",
            r -> {
              Shape to = r.shape(0, 3);
              Shape from = r.broadcastableTo(to);
              return new Point(params("x", r.normal(from)), m -> m.get("x").broadcastTo(to));
            }));
    c.add(new Case("squeeze", r -> squeezable(r, false)));
    c.add(new Case("squeeze axis", r -> squeezable(r, true)));
    c.add(
        new Case(
            "unsqueeze",
            r -> {
              Shape s = r.shape(0, 3);
              int axis = r.nextInt(s.rank() + 1) - (r.nextInt(2) == 0 ? 0 : s.rank() + 1);
              return new Point(params("x", r.normal(s)), m -> m.get("x").unsqueeze(axis));
            }));
    c.add(unary("transpose", 2, REAL, Tensor::transpose));
    c.add(
        new Case(
            "transpose two axes",
            r -> {
              Shape s = r.shape(1, 3);
              int a = axis(r, s.rank());
              int b = axis(r, s.rank());
              return new Point(params("x", r.normal(s)), m -> m.get("x").transpose(a, b));
            }));
    c.add(
        new Case(
            "permute",
            r -> {
              Shape s = r.shape(0, 3);
              int[] perm = randomPermutation(r, s.rank());
              return new Point(params("x", r.normal(s)), m -> m.get("x").permute(perm));
            }));
    c.add(
        new Case(
            "moveAxis",
            r -> {
              Shape s = r.shape(1, 3);
              int from = axis(r, s.rank());
              int to = axis(r, s.rank());
              return new Point(params("x", r.normal(s)), m -> m.get("x").moveAxis(from, to));
            }));
    c.add(new Case("slice", r -> sliced(r, false)));
    c.add(new Case("slice with step and negative bounds", r -> sliced(r, true)));
    c.add(
        new Case(
            "select",
            r -> {
              Shape s = r.shape(1, 3);
              int axis = axis(r, s.rank());
              int n = s.dim(axis);
              int i = r.nextInt(n) - (r.nextInt(2) == 0 ? 0 : n);
              return new Point(params("x", r.normal(s)), m -> m.get("x").select(axis, i));
            }));
    c.add(
        new Case(
            "index with repeats",
            r -> {
              Shape s = r.shape(1, 3);
              int axis = axis(r, s.rank());
              int n = s.dim(axis);
              int[] idx = new int[1 + r.nextInt(6)];
              for (int k = 0; k < idx.length; k++) {
                idx[k] = r.nextInt(n) - (r.nextInt(2) == 0 ? 0 : n);
              }
              idx[idx.length - 1] = idx[0]; // at least one repeat (or the same single index)
              return new Point(params("x", r.normal(s)), m -> m.get("x").index(axis, idx));
            }));
    c.add(
        new Case(
            "index with a tensor of indices",
            r -> {
              Shape s = r.shape(1, 3);
              int axis = axis(r, s.rank());
              Shape is = r.shape(0, 2);
              double[] idx = new double[is.numel()];
              for (int k = 0; k < idx.length; k++) {
                idx[k] = r.nextInt(s.dim(axis));
              }
              Tensor indices = Tensor.of(idx, is);
              return new Point(params("x", r.normal(s)), m -> m.get("x").index(axis, indices));
            }));
    c.add(alongAxis("flip", REAL, Tensor::flip));
    c.add(
        new Case(
            "stack",
            r -> {
              Shape s = r.shape(0, 3);
              int axis = r.nextInt(s.rank() + 1);
              return new Point(
                  params("a", r.normal(s), "b", r.normal(s), "c", r.normal(s)),
                  m -> Tensor.stack(axis, m.get("a"), m.get("b"), m.get("c")));
            }));
    c.add(
        new Case(
            "concat",
            r -> {
              Shape s = r.shape(1, 3);
              int axis = axis(r, s.rank());
              Map<String, Tensor> at = new LinkedHashMap<>();
              for (String name : List.of("a", "b", "c")) {
                int[] d = s.toArray();
                d[s.axis(axis)] = 1 + r.nextInt(3);
                at.put(name, r.normal(Shape.of(d)));
              }
              return new Point(at, m -> Tensor.concat(axis, m.get("a"), m.get("b"), m.get("c")));
            }));
    c.add(
        new Case(
            "concat of one tensor with itself",
            r -> {
              Shape s = r.shape(1, 3);
              return new Point(
                  params("x", r.normal(s)), m -> Tensor.concat(0, m.get("x"), m.get("x")));
            }));
  }

  private static Point squeezable(RandomTensors r, boolean oneAxis) {
    // a random shape with two unit axes inserted at random positions
    Shape base = r.shape(0, 2);
    int n = base.rank() + 2;
    int first = r.nextInt(n);
    int second = (first + 1 + r.nextInt(n - 1)) % n;
    int[] d = new int[n];
    for (int i = 0, j = 0; i < n; i++) {
      d[i] = i == first || i == second ? 1 : base.dim(j++);
    }
    return new Point(
        params("x", r.normal(Shape.of(d))),
        m -> oneAxis ? m.get("x").squeeze(first) : m.get("x").squeeze());
  }

  private static Point sliced(RandomTensors r, boolean fancy) {
    Shape s = r.shape(1, 3);
    int axis = axis(r, s.rank());
    int n = s.dim(axis);
    int start = r.nextInt(n);
    int end = start + 1 + r.nextInt(n - start);
    int step = fancy ? 1 + r.nextInt(3) : 1;
    int startArg = fancy ? start - n : start; // negative bounds count from the end
    int endArg = fancy && end < n ? end - n : end;
    return new Point(
        params("x", r.normal(s)), m -> m.get("x").slice(axis, startArg, endArg, step));
  }

  private static int[] randomPermutation(RandomTensors r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    assertGradientsAtRandomPoints(c.name(), c.draw());
  }

  /** Checks {@code POINTS} random points of a case, the output reduced with random weights. */
  static void assertGradientsAtRandomPoints(String name, Function<RandomTensors, Point> draw) {
    RandomTensors r = RandomTensors.seeded(name);
    for (int k = 0; k < POINTS; k++) {
      Point p = draw.apply(r);
      Tensor out = Autodiff.noGrad(() -> p.fn().apply(p.at()));
      Tensor weights = r.uniform(out.shape(), -1, 1);
      try {
        GradCheck.assertGradients(m -> p.fn().apply(m).mul(weights).sum(), p.at());
      } catch (AssertionError e) {
        throw new AssertionError(
            name + ", point " + k + " " + shapes(p.at()) + ": " + e.getMessage(), e);
      }
    }
  }

  /** Cases whose backward rule is first-order only: prod's, and digamma's (it uses trigamma). */
  static boolean firstOrderOnly(Case c) {
    return c.name().contains("prod") || c.name().contains("digamma");
  }

  static Stream<Case> secondOrderCases() {
    return cases().filter(c -> !firstOrderOnly(c));
  }

  /**
   * Second derivatives of every op that supports them, against finite differences of its
   * gradient: {@code G(x) = sum_k <v_k, df/dx_k (x)>} for random directions {@code v}, whose
   * reverse-mode gradient (through the recorded backward pass, {@code createGraph}) is a
   * Hessian-vector product, compared with central differences of first-order gradients.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("secondOrderCases")
  void secondDerivativesMatchFiniteDifferencesOfTheGradient(Case c) {
    RandomTensors r = RandomTensors.seeded("second order " + c.name());
    for (int k = 0; k < POINTS; k++) {
      Point p = c.draw().apply(r);
      Tensor out = Autodiff.noGrad(() -> p.fn().apply(p.at()));
      Tensor weights = r.uniform(out.shape(), -1, 1);
      Function<Map<String, Tensor>, Tensor> f = m -> p.fn().apply(m).mul(weights).sum();
      Map<String, Tensor> directions = new LinkedHashMap<>();
      p.at().forEach((name, x) -> directions.put(name, r.uniform(x.shape(), -1, 1)));
      try {
        GradCheck.assertGradients(m -> gradientAlong(f, m, directions), p.at());
      } catch (AssertionError e) {
        throw new AssertionError(
            c.name() + ", point " + k + " " + shapes(p.at()) + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@code sum_k <v_k, df/dx_k>} at {@code m}: differentiable (recorded with {@code createGraph})
   * when {@code m} is tracked, a plain first-order gradient when it is not (finite differences).
   */
  static Tensor gradientAlong(
      Function<Map<String, Tensor>, Tensor> f, Map<String, Tensor> m, Map<String, Tensor> v) {
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
  }

  private static String shapes(Map<String, Tensor> at) {
    StringBuilder sb = new StringBuilder("(");
    at.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append(v.shape()));
    return sb.append(')').toString();
  }

  /**
   * The subgradient conventions at the kinks, exactly: abs'(0) = 0; clamp passes the gradient at
   * its inclusive bounds and blocks it outside; where routes each element's gradient to the
   * branch it took (and none to the mask); max and min split ties evenly, elementwise and along
   * an axis.
   */
  @Test
  void subgradientConventions() {
    assertArrayEquals(
        new double[] {0, 0, 1, -1},
        Autodiff.grad(x -> x.abs().sum(), Tensor.of(0.0, -0.0, 2.0, -3.0)).toArray(),
        0.0);
    assertArrayEquals(
        new double[] {0, 1, 1, 1, 0},
        Autodiff.grad(x -> x.clamp(-1, 1).sum(), Tensor.of(-1.5, -1, 0.3, 1, 2)).toArray(),
        0.0);
    Tensor mask = Tensor.ofBooleans(true, false, true);
    ValueAndGrad w =
        Autodiff.valueAndGrad(
            m -> Tensor.where(mask, m.get("a"), m.get("b")).mul(Tensor.of(1, 2, 3)).sum(),
            params("a", Tensor.of(5, 6, 7), "b", Tensor.scalar(9)));
    assertArrayEquals(new double[] {1, 0, 3}, w.grad().get("a").toArray(), 0.0);
    assertEquals(2.0, w.grad().get("b").item(), 0.0, "the broadcast b gets the one false slot");
    assertArrayEquals(
        new double[] {0, 0.5, 0.5},
        Autodiff.grad(x -> x.max(), Tensor.of(1, 3, 3)).toArray(),
        0.0);
    assertArrayEquals(
        new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0, 1},
        Autodiff.grad(x -> x.min(1).sum(), Tensor.of(new double[] {2, 2, 2, 5, 4, 3}, 2, 3))
            .toArray(),
        0.0);
    ValueAndGrad mx =
        Autodiff.valueAndGrad(
            m -> m.get("a").maximum(m.get("b")).sum(),
            params("a", Tensor.of(1, 3, 2), "b", Tensor.of(1, 1, 5)));
    assertArrayEquals(new double[] {0.5, 1, 0}, mx.grad().get("a").toArray(), 0.0);
    assertArrayEquals(new double[] {0.5, 0, 1}, mx.grad().get("b").toArray(), 0.0);
    ValueAndGrad mn =
        Autodiff.valueAndGrad(
            m -> m.get("a").minimum(m.get("b")).sum(),
            params("a", Tensor.of(1, 3), "b", Tensor.scalar(1)));
    assertArrayEquals(new double[] {0.5, 0}, mn.grad().get("a").toArray(), 0.0);
    assertEquals(1.5, mn.grad().get("b").item(), 0.0);
    // piecewise-constant operations pass no gradient at all
    assertArrayEquals(
        new double[] {0, 0},
        Autodiff.grad(x -> x.sign().add(x.floor()).sum(), Tensor.of(-0.5, 2.5)).toArray(),
        0.0);
  }

  /** The exponent's gradient of {@code pow} is 0 at a zero base, to any order (no NaN). */
  @Test
  void powAtAZeroBase() {
    ValueAndGrad vg =
        Autodiff.valueAndGrad(
            m -> m.get("a").pow(m.get("b")).sum(),
            params("a", Tensor.of(0.0, 2.0), "b", Tensor.of(2.0, 3.0)));
    assertArrayEquals(new double[] {0, 12}, vg.grad().get("a").toArray(), 0.0);
    assertArrayEquals(new double[] {0, 8 * Math.log(2)}, vg.grad().get("b").toArray(), 1e-15);
    Tensor a = Autodiff.track(Tensor.of(0.0, 2.0), "a");
    Tensor b = Autodiff.track(Tensor.of(2.0, 3.0), "b");
    Tensor gb = Autodiff.gradients(a.pow(b).sum(), new Tensor[] {b}, null, true)[0];
    Tensor[] second = Autodiff.gradients(gb.sum(), new Tensor[] {a, b}, null, false);
    // d/da (a^b log a) = a^(b-1) (b log a + 1): 0 at a = 0 (b = 2), 4 (3 log 2 + 1) at a = 2
    assertArrayEquals(new double[] {0, 4 * (3 * Math.log(2) + 1)}, second[0].toArray(), 1e-14);
    // d/db (a^b log a) = a^b log^2 a
    assertArrayEquals(
        new double[] {0, 8 * Math.log(2) * Math.log(2)}, second[1].toArray(), 1e-14);
  }
}
