// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable tensor operation against central finite differences ({@link GradCheck}),
 * at three random points per case, with broadcasting and scalar shapes. A non-scalar output is
 * reduced with fixed random weights so that every output element's gradient counts separately.
 */
class OpGradientTest {

  /** Where a parameter's random values come from. */
  enum Domain {
    /** Standard normal. */
    REAL,
    /** Uniform on (0.5, 2.5): for log, sqrt, division, logGamma... */
    POSITIVE,
    /** Uniform on (-0.9, 0.9): for erfinv. */
    OPEN_UNIT,
    /** Normal shifted away from 0 by at least 0.1: for abs and sign-dependent rules. */
    NONZERO
  }

  record Param(String name, Shape shape, Domain domain) {}

  record Case(String name, List<Param> params, Function<Map<String, Tensor>, Tensor> fn) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Param p(String name, Domain d, int... shape) {
    return new Param(name, Shape.of(shape), d);
  }

  private static Case unary(String name, Domain d, Function<Tensor, Tensor> f) {
    return new Case(name, List.of(p("x", d, 2, 3)), m -> f.apply(m.get("x")));
  }

  private static Case binary(
      String name, Domain da, int[] sa, Domain db, int[] sb,
      java.util.function.BiFunction<Tensor, Tensor, Tensor> f) {
    return new Case(
        name + " " + Shape.of(sa) + " " + Shape.of(sb),
        List.of(p("a", da, sa), p("b", db, sb)),
        m -> f.apply(m.get("a"), m.get("b")));
  }

  private static int[] s(int... d) {
    return d;
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    Domain r = Domain.REAL;
    Domain pos = Domain.POSITIVE;
    int[][][] shapes = {
      {s(3, 1), s(4)}, {s(2, 3, 4), s(4)}, {s(), s(5)}, {s(), s()}, {s(2, 3), s(2, 3)}, {s(5), s()}
    };
    for (int[][] sh : shapes) {
      c.add(binary("add", r, sh[0], r, sh[1], Tensor::add));
      c.add(binary("sub", r, sh[0], r, sh[1], Tensor::sub));
      c.add(binary("mul", r, sh[0], r, sh[1], Tensor::mul));
      c.add(binary("div", r, sh[0], pos, sh[1], Tensor::div));
      c.add(binary("pow", pos, sh[0], r, sh[1], Tensor::pow));
      c.add(binary("minimum", r, sh[0], r, sh[1], Tensor::minimum));
      c.add(binary("maximum", r, sh[0], r, sh[1], Tensor::maximum));
    }
    c.add(unary("add scalar", r, x -> x.add(1.5)));
    c.add(unary("sub scalar", r, x -> x.sub(1.5)));
    c.add(unary("rsub scalar", r, x -> x.rsub(1.5)));
    c.add(unary("mul scalar", r, x -> x.mul(-2.5)));
    c.add(unary("div scalar", r, x -> x.div(3.0)));
    c.add(unary("pow 3", r, x -> x.pow(3.0)));
    c.add(unary("pow 2", r, x -> x.pow(2.0)));
    c.add(unary("pow 0.5", pos, x -> x.pow(0.5)));
    c.add(unary("pow -1.5", pos, x -> x.pow(-1.5)));
    c.add(unary("neg", r, Tensor::neg));
    c.add(unary("exp", r, Tensor::exp));
    c.add(unary("log", pos, Tensor::log));
    c.add(unary("log1p", pos, Tensor::log1p));
    c.add(unary("expm1", r, Tensor::expm1));
    c.add(unary("sqrt", pos, Tensor::sqrt));
    c.add(unary("abs", Domain.NONZERO, Tensor::abs));
    c.add(unary("square", r, Tensor::square));
    c.add(unary("reciprocal", pos, Tensor::reciprocal));
    c.add(unary("sigmoid", r, Tensor::sigmoid));
    c.add(unary("logSigmoid", r, Tensor::logSigmoid));
    c.add(unary("softplus", r, Tensor::softplus));
    c.add(unary("softplus at 30", r, x -> x.add(30.0).softplus()));
    c.add(unary("logSigmoid at -30", r, x -> x.sub(30.0).logSigmoid()));
    c.add(unary("tanh", r, Tensor::tanh));
    c.add(unary("sin", r, Tensor::sin));
    c.add(unary("cos", r, Tensor::cos));
    c.add(unary("logGamma", pos, Tensor::logGamma));
    c.add(unary("digamma", pos, Tensor::digamma));
    c.add(unary("erf", r, Tensor::erf));
    c.add(unary("erfinv", Domain.OPEN_UNIT, Tensor::erfinv));
    c.add(unary("clamp", r, x -> x.mul(2.0).clamp(-0.5, 0.5)));
    c.add(
        new Case(
            "where",
            List.of(p("a", r, 2, 3), p("b", r, 3)),
            m ->
                Tensor.where(
                    Tensor.ofBooleans(true, false, true, false, false, true).reshape(2, 3),
                    m.get("a"),
                    m.get("b"))));
    // reductions
    c.add(unary("sum", r, Tensor::sum));
    c.add(unary("sum axis 0", r, x -> x.sum(0)));
    c.add(unary("sum axis -1 keepDims", r, x -> x.sum(-1, true)));
    c.add(unary("mean", r, Tensor::mean));
    c.add(unary("mean axis 1", r, x -> x.mean(1)));
    c.add(unary("prod", pos, Tensor::prod));
    c.add(unary("prod axis 0", r, x -> x.prod(0)));
    c.add(unary("max", r, Tensor::max));
    c.add(unary("max axis 1", r, x -> x.max(1)));
    c.add(unary("min axis 0 keepDims", r, x -> x.min(0, true)));
    c.add(unary("logSumExp", r, Tensor::logSumExp));
    c.add(unary("logSumExp axis 0", r, x -> x.logSumExp(0)));
    c.add(unary("logSumExp axis 1 keepDims", r, x -> x.logSumExp(1, true)));
    c.add(unary("cumsum axis 0", r, x -> x.cumsum(0)));
    c.add(unary("cumsum axis 1", r, x -> x.cumsum(1)));
    c.add(
        new Case(
            "sumTo", List.of(p("x", r, 2, 3, 4)), m -> m.get("x").sumTo(Shape.of(3, 1))));
    // shape operations
    c.add(unary("reshape", r, x -> x.reshape(3, -1)));
    c.add(
        new Case(
            "broadcastTo", List.of(p("x", r, 3, 1)), m -> m.get("x").broadcastTo(2, 3, 4)));
    c.add(new Case("squeeze", List.of(p("x", r, 1, 3, 1)), m -> m.get("x").squeeze()));
    c.add(unary("unsqueeze", r, x -> x.unsqueeze(1)));
    c.add(unary("transpose", r, Tensor::transpose));
    c.add(new Case("permute", List.of(p("x", r, 2, 3, 4)), m -> m.get("x").permute(2, 0, 1)));
    c.add(new Case("moveAxis", List.of(p("x", r, 2, 3, 4)), m -> m.get("x").moveAxis(0, 2)));
    c.add(new Case("slice step 2", List.of(p("x", r, 7, 2)), m -> m.get("x").slice(0, 1, 6, 2)));
    c.add(new Case("slice negative", List.of(p("x", r, 2, 6)), m -> m.get("x").slice(1, -4, -1)));
    c.add(new Case("select", List.of(p("x", r, 2, 3, 4)), m -> m.get("x").select(1, 2)));
    c.add(
        new Case(
            "index repeated", List.of(p("x", r, 4, 3)), m -> m.get("x").index(0, 3, 1, 3, 0)));
    c.add(
        new Case(
            "index tensor",
            List.of(p("x", r, 2, 5)),
            m -> m.get("x").index(1, Tensor.of(new double[] {4, 0, 4, 2}, 2, 2))));
    c.add(unary("flip", r, x -> x.flip(1)));
    c.add(
        new Case(
            "stack",
            List.of(p("a", r, 2, 3), p("b", r, 2, 3)),
            m -> Tensor.stack(1, m.get("a"), m.get("b"))));
    c.add(
        new Case(
            "concat",
            List.of(p("a", r, 2, 3), p("b", r, 2, 1), p("c", r, 2, 2)),
            m -> Tensor.concat(-1, m.get("a"), m.get("b"), m.get("c"))));
    // linear algebra
    c.add(binary("matmul", r, s(3), r, s(3, 4), Tensor::matmul));
    c.add(binary("matmul", r, s(2, 3), r, s(3), Tensor::matmul));
    c.add(binary("matmul", r, s(3), r, s(3), Tensor::matmul));
    c.add(binary("matmul", r, s(2, 3), r, s(3, 4), Tensor::matmul));
    c.add(binary("matmul", r, s(2, 1, 3, 4), r, s(5, 4, 2), Tensor::matmul));
    c.add(
        new Case(
            "cholesky",
            List.of(p("m", r, 4, 4)),
            m -> spd(m.get("m")).cholesky()));
    c.add(
        new Case(
            "cholesky batched", List.of(p("m", r, 2, 3, 3)), m -> spd(m.get("m")).cholesky()));
    c.add(new Case("logDet", List.of(p("m", r, 2, 4, 4)), m -> spd(m.get("m")).logDet()));
    for (boolean lower : new boolean[] {true, false}) {
      c.add(
          new Case(
              "triangularSolve lower=" + lower,
              List.of(p("a", r, 4, 4), p("b", r, 2, 4, 3)),
              m -> wellConditioned(m.get("a"), lower).triangularSolve(m.get("b"), lower)));
    }
    c.add(new Case("diagonal", List.of(p("x", r, 2, 3, 4)), m -> m.get("x").diagonal()));
    c.add(new Case("diagEmbed", List.of(p("x", r, 2, 3)), m -> m.get("x").diagEmbed()));
    c.add(new Case("tril", List.of(p("x", r, 3, 4)), m -> m.get("x").tril(0)));
    c.add(new Case("triu -1", List.of(p("x", r, 3, 4)), m -> m.get("x").triu(-1)));
    return c.stream();
  }

  /** A symmetric positive-definite matrix from a free one: M M^T + n I. */
  static Tensor spd(Tensor m) {
    int n = m.dim(-1);
    return m.matmul(m.transpose()).add(Tensor.eye(n).mul(n));
  }

  /** A triangular matrix with a dominant diagonal, from a free one. */
  static Tensor wellConditioned(Tensor a, boolean lower) {
    Tensor t = lower ? a.tril(0) : a.triu(0);
    return t.add(Tensor.eye(a.dim(-1)).mul(3.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) {
    SplittableRandom rng = new SplittableRandom(c.name().hashCode());
    for (int point = 0; point < 3; point++) {
      Map<String, Tensor> at = new LinkedHashMap<>();
      for (Param prm : c.params()) {
        at.put(prm.name(), draw(prm, rng));
      }
      Tensor out = Autodiff.noGrad(() -> c.fn().apply(at));
      Tensor weights = Tensor.of(randomArray(out.size(), () -> rng.nextDouble(-1, 1)), out.shape());
      GradCheck.assertGradients(m -> c.fn().apply(m).mul(weights).sum(), at);
    }
  }

  private static Tensor draw(Param prm, SplittableRandom rng) {
    DoubleSupplier gen;
    switch (prm.domain()) {
      case POSITIVE:
        gen = () -> rng.nextDouble(0.5, 2.5);
        break;
      case OPEN_UNIT:
        gen = () -> rng.nextDouble(-0.9, 0.9);
        break;
      case NONZERO:
        gen = () -> {
          double v = gaussian(rng);
          return v + Math.copySign(0.1, v);
        };
        break;
      default:
        gen = () -> gaussian(rng);
    }
    return Tensor.of(randomArray(prm.shape().numel(), gen), prm.shape());
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller on two uniforms; test data only
    double u1 = rng.nextDouble(1e-12, 1.0);
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static double[] randomArray(int n, DoubleSupplier gen) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = gen.getAsDouble();
    }
    return d;
  }
}
