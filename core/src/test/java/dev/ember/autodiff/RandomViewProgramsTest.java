// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.FusedDensities;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random programs of views and operations on two leaves, each checked five ways: its value
 * without recording ({@link Autodiff#noGrad}) against the recorded one, exactly; its gradients
 * against central finite differences ({@link GradCheck}); its value and gradients against the
 * same program with every view replaced by a copy of its values ({@link Tensor#copy}: contiguous
 * operands, no placement of a view's gradient into the tensor it views); the same gradients with
 * an intermediate value's asked for too (no view skipped before it), first order and recorded
 * ({@code createGraph}); and two outputs sharing the program's graph differentiated in one call
 * ({@link Autodiff#valuesAndGrads}) against each alone, exactly. The programs mix every view
 * (select, strided slice, flip, permute, transpose, reshape, broadcast, diagonal, unsqueeze,
 * squeeze, moveAxis) with elementwise and special functions, broadcasting binary operations
 * between earlier values, reductions, gathers with repeated indices, concatenation, stacks, kept
 * logs and the fused densities; the loss weighs several of the program's values, so that
 * intermediate values have several users and the engine's use counts, buffer hand-overs and
 * waiting placements all meet. Values stay of the leaves' scale, and a program sums at most a few
 * thousand such terms, so two orders of summation differ by about 1e-13 relative: 1e-11 is that
 * with room for cancellation, and any misplaced contribution is of order one.
 *
 * <p>More and longer programs than CI runs: {@code mvn -pl core test -Dtest=RandomViewProgramsTest
 * -DargLine="-Dprograms=15000 -Dsteps=22"}.
 */
class RandomViewProgramsTest {
  private static final int PROGRAMS = Integer.getInteger("programs", 1000);
  private static final int STEPS = Integer.getInteger("steps", 14);
  /** Operations whose derivative jumps somewhere. */
  private static final List<String> KINKED = List.of("where", "maximum", "abs", "max");
  /** The most elements a value may have: finite differences evaluate a program per element. */
  private static final int MAX_SIZE = 240;

  /** One step: an operation on earlier values {@code a} (and {@code b}), with its choices. */
  private record Step(String op, int a, int b, int[] args) {
    @Override
    public String toString() {
      return op + "(v" + a + (b >= 0 ? ", v" + b : "") + (args.length > 0 ? ", "
          + Arrays.toString(args) : "") + ")";
    }
  }

  /** A program: its steps (value i + 2 is step i's), and the values its loss weighs. */
  private record Program(List<Step> steps, int[] weighed, Tensor[] weights) {}

  @Test
  void randomProgramsAgreeWithFiniteDifferencesCopiesAndSeparatePasses() {
    for (int seed = 0; seed < PROGRAMS; seed++) {
      Random rnd = new Random(seed);
      Shape xs = Shape.of(2 + rnd.nextInt(4), 2 + rnd.nextInt(4), 2 + rnd.nextInt(3));
      Shape ys = Shape.of(xs.dim(1), xs.dim(2));
      Map<String, Tensor> at = Map.of("x", uniform(rnd, xs), "y", uniform(rnd, ys));
      Program p = generate(rnd, xs, ys);
      String where = "program " + seed + " " + p.steps();
      try {
        check(p, at, where);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  private static void check(Program p, Map<String, Tensor> at, String where) {
    ValueAndGrad views = Autodiff.valueAndGrad(q -> loss(p, q, false), at);
    ValueAndGrad copies = Autodiff.valueAndGrad(q -> loss(p, q, true), at);
    // evaluated without recording (as Svi.evaluate and Predictive do): the same value, exactly
    assertEquals(views.value().item(), Autodiff.noGrad(() -> loss(p, at, false)).item(), 0.0,
        where + ": under noGrad");
    double scale = Math.max(1.0, Math.abs(copies.value().item()));
    // the same operations on the same values in another layout: equal up to the order of sums
    assertEquals(copies.value().item(), views.value().item(), 1e-12 * scale, where);
    for (String name : at.keySet()) {
      assertClose(copies.grad().get(name), views.grad().get(name), where + ": d/d" + name);
    }
    GradCheck.Report report = GradCheck.check(q -> loss(p, q, false), at);
    // near a kink (where, maximum, abs, max) finite differences cannot decide, and say so; the
    // checks below still hold there
    boolean undecided = !report.passed() && !report.worst().resolved()
        && p.steps().stream().anyMatch(st -> KINKED.contains(st.op()));
    assertTrue(report.passed() || undecided, where + ": " + report);
    checkIntermediateAsked(p, at, views, where);
    checkTwoOutputs(p, at, where);
  }

  /**
   * With an intermediate value's gradient asked for too (so no view before it is skipped), first
   * order and recorded ({@code createGraph}): the leaves' gradients as before, and the
   * intermediate's the same both ways.
   */
  private static void checkIntermediateAsked(Program p, Map<String, Tensor> at,
      ValueAndGrad before, String where) {
    Tensor x = Autodiff.track(at.get("x"), "x");
    Tensor y = Autodiff.track(at.get("y"), "y");
    Tensor[] v = values(p, Map.of("x", x, "y", y), false);
    int k = 2 + Math.floorMod(p.weights().length * 31 + v.length, v.length - 2);
    Tensor out = weighed(p, v, 0, 1);
    Tensor[] first = Autodiff.gradients(out, new Tensor[] {x, y, v[k]}, null, false);
    Tensor[] recorded = null;
    try {
      recorded = Autodiff.gradients(out, new Tensor[] {x, y, v[k]}, null, true);
    } catch (UnsupportedOperationException e) {
      // an operation without second derivatives (prod) says so, naming itself
      assertTrue(e.getMessage().contains("second derivatives are not implemented"), where);
    }
    Tensor[] want = {before.grad().get("x"), before.grad().get("y"), first[2]};
    for (int i = 0; i < want.length; i++) {
      assertClose(want[i], first[i], where + ": first order, gradient " + i + " (v" + k + ")");
      if (recorded != null) {
        assertClose(want[i], recorded[i], where + ": recorded, gradient " + i + " (v" + k + ")");
      }
    }
  }

  /** Two outputs over one graph, differentiated in one call: each as if alone, exactly. */
  private static void checkTwoOutputs(Program p, Map<String, Tensor> at, String where) {
    List<ValueAndGrad> both = Autodiff.valuesAndGrads(q -> {
      Tensor[] v = values(p, q, false);
      return new Tensor[] {weighed(p, v, 0, 2), weighed(p, v, 1, 2)};
    }, at);
    for (int half = 0; half < 2; half++) {
      int h = half;
      ValueAndGrad alone = Autodiff.valueAndGrad(q -> weighed(p, values(p, q, false), h, 2), at);
      assertEquals(alone.value().item(), both.get(h).value().item(), 0.0, where);
      for (String name : at.keySet()) {
        assertArrayEquals(alone.grad().get(name).toArray(), both.get(h).grad().get(name)
            .toArray(), 0.0, where + ": output " + h + ", d/d" + name);
      }
    }
  }

  /** Equal up to the order of sums: 1e-11 relative to each element (absolute below 1). */
  private static void assertClose(Tensor want, Tensor got, String what) {
    assertEquals(want.shape(), got.shape(), what);
    double[] w = want.toArray();
    double[] g = got.toArray();
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], g[i], 1e-11 * Math.max(1.0, Math.abs(w[i])), what + "[" + i + "]");
    }
  }

  /** Values in [-1, -0.05] and [0.05, 1]: a leaf's own kinks (where, abs) at 0 stay away. */
  private static Tensor uniform(Random rnd, Shape s) {
    double[] v = new double[s.numel()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (rnd.nextBoolean() ? 1 : -1) * (0.05 + 0.95 * rnd.nextDouble());
    }
    return Tensor.of(v, s);
  }

  /** The loss: every weighed value times its weights, summed. */
  private static Tensor loss(Program p, Map<String, Tensor> at, boolean copyViews) {
    return weighed(p, values(p, at, copyViews), 0, 1);
  }

  /** The weighed values {@code part}, {@code part + parts}, ... times their weights, summed. */
  private static Tensor weighed(Program p, Tensor[] v, int part, int parts) {
    Tensor sum = Tensor.scalar(0.0);
    for (int k = part; k < p.weighed().length; k += parts) {
      sum = sum.add(v[p.weighed()[k]].mul(p.weights()[k]).sum());
    }
    return sum;
  }

  /** Runs the program: the leaves, then each step's value. */
  private static Tensor[] values(Program p, Map<String, Tensor> at, boolean copyViews) {
    Tensor[] v = new Tensor[p.steps().size() + 2];
    v[0] = at.get("x");
    v[1] = at.get("y");
    for (int i = 0; i < p.steps().size(); i++) {
      Step s = p.steps().get(i);
      Tensor out = apply(s, v[s.a()], s.b() >= 0 ? v[s.b()] : null);
      v[i + 2] = copyViews && isView(s.op()) ? out.copy() : out;
    }
    return v;
  }

  private static boolean isView(String op) {
    return List.of("select", "slice", "flip", "permute", "reshape", "broadcast", "diagonal",
        "unsqueeze", "moveAxis", "transpose", "squeeze").contains(op);
  }

  /**
   * Step {@code s} on {@code a} (and {@code b}). Products end in tanh: a program's values then
   * stay of the leaves' scale, where finite differences resolve every derivative.
   */
  private static Tensor apply(Step s, Tensor a, Tensor b) {
    int[] g = s.args();
    return switch (s.op()) {
      case "select" -> a.select(g[0], g[1]);
      case "slice" -> a.slice(g[0], g[1], g[2], g[3]);
      case "flip" -> a.flip(g[0]);
      case "permute" -> a.permute(g);
      case "reshape" -> a.reshape(g);
      case "broadcast" -> a.broadcastTo(g);
      case "diagonal" -> a.diagonal();
      case "unsqueeze" -> a.unsqueeze(g[0]);
      case "sin" -> a.sin();
      case "tanh" -> a.tanh();
      case "square" -> a.square().tanh();
      case "expTanh" -> a.tanh().exp();
      case "expWithLog" -> a.tanh().expWithLog();
      // a positive value's log: kept through the views since an expWithLog (a copy keeps none)
      case "keptLog" -> a.keptLog() != null ? a.keptLog() : a.log();
      case "scale" -> a.mul(0.5 + g[0] / 4.0);
      case "add" -> a.add(b);
      case "sub" -> a.sub(b);
      case "mul" -> a.mul(b).tanh();
      case "mulAdd" -> a.mulAdd(b, a).tanh();
      case "sum" -> a.sum(g[0]);
      case "cumsum" -> a.cumsum(g[0]);
      case "gather" -> a.index(g[0], Arrays.copyOfRange(g, 1, g.length));
      case "concat" -> Tensor.concat(g[0], a, b);
      case "stack" -> Tensor.stack(0, a, b);
      // the densities' sums over up to MAX_SIZE terms, per term: later steps then see values
      // of the leaves' scale, where finite differences resolve every derivative
      case "normalSum" -> FusedDensities.normalSum(a, b, a.tanh().exp()).div(a.size()).reshape(1);
      case "atDraw" -> FusedDensities.normalSumAtDrawOfLogScale(a, b).div(a.size()).reshape(1);
      case "div" -> a.div(b.tanh().exp());
      case "logSumExp" -> a.logSumExp(g[0]);
      case "prod" -> a.prod(g[0]).tanh();
      case "softplus" -> a.softplus();
      case "sigmoid" -> a.sigmoid();
      case "matmul" -> a.matmul(b);
      case "moveAxis" -> a.moveAxis(g[0], g[1]);
      case "transpose" -> a.transpose();
      case "where" -> Tensor.where(a.gt(0.0), a, b);
      case "maximum" -> a.maximum(b);
      case "abs" -> a.abs();
      case "erf" -> a.erf();
      case "logSigmoid" -> a.logSigmoid();
      case "mean" -> a.mean(g[0]);
      case "max" -> a.max(g[0]);
      case "squeeze" -> a.squeeze(g[0]);
      case "indexTensor" -> a.index(g[0], Tensor.of(Arrays.stream(Arrays.copyOfRange(g, 1,
          g.length)).asDoubleStream().toArray()));
      case "diagEmbed" -> a.diagEmbed();
      case "tril" -> a.tril(g[0]);
      case "sumTo" -> a.sumTo(Shape.of(Arrays.copyOfRange(a.shape().toArray(), 1, a.rank())));
      case "mulSumTo" -> {
        int[] product = Shape.broadcast(a.shape(), b.shape(), "test").toArray();
        yield a.mulSumTo(b, Shape.of(Arrays.copyOfRange(product, 1, product.length))).tanh();
      }
      // a base in (1/e, e) to an exponent in (-1, 1): a power of a power of sums overflowed
      case "pow" -> a.tanh().exp().pow(b.tanh());
      case "logGamma" -> a.tanh().exp().add(0.5).logGamma();
      case "digamma" -> a.tanh().exp().add(0.5).digamma();
      default -> throw new IllegalStateException(s.op());
    };
  }

  /** A random program of {@value #STEPS} steps on leaves of shapes {@code xs} and {@code ys}. */
  private static Program generate(Random rnd, Shape xs, Shape ys) {
    List<Shape> shapes = new ArrayList<>(List.of(xs, ys));
    // which values are positive: exponentials and views of them (their log is taken)
    List<Boolean> positive = new ArrayList<>(List.of(false, false));
    List<Step> steps = new ArrayList<>();
    while (steps.size() < STEPS) {
      int a = rnd.nextInt(shapes.size());
      Shape s = shapes.get(a);
      Step step = propose(rnd, a, s, shapes);
      if (step == null || (step.op().equals("keptLog") && !positive.get(a))) {
        continue;
      }
      Shape out;
      try {
        out = apply(step, Tensor.zeros(s), step.b() >= 0 ? Tensor.zeros(shapes.get(step.b()))
            : null).shape();
      } catch (IllegalArgumentException e) {
        continue; // the choices do not fit these shapes: propose another step
      }
      if (out.numel() > MAX_SIZE || out.numel() == 0) {
        continue;
      }
      steps.add(step);
      shapes.add(out);
      positive.add(List.of("expTanh", "expWithLog").contains(step.op())
          || (isView(step.op()) && positive.get(a)));
    }
    // the last values, and a few earlier ones, weighed
    List<Integer> weighed = new ArrayList<>();
    for (int i = 2; i < shapes.size(); i++) {
      if (i >= shapes.size() - 3 || rnd.nextInt(3) == 0) {
        weighed.add(i);
      }
    }
    Tensor[] weights = new Tensor[weighed.size()];
    for (int k = 0; k < weights.length; k++) {
      weights[k] = uniform(rnd, shapes.get(weighed.get(k)));
    }
    return new Program(steps, weighed.stream().mapToInt(Integer::intValue).toArray(), weights);
  }

  /** A step on value {@code a} of shape {@code s}, or null when the one drawn does not apply. */
  private static Step propose(Random rnd, int a, Shape s, List<Shape> shapes) {
    int rank = s.rank();
    int axis = rank == 0 ? 0 : rnd.nextInt(rank);
    String[] ops = {"select", "slice", "flip", "permute", "reshape", "broadcast", "diagonal",
        "unsqueeze", "sin", "tanh", "square", "expTanh", "expWithLog", "scale", "add", "sub", "mul",
        "mulAdd", "sum", "cumsum", "gather", "concat", "stack", "normalSum", "atDraw", "div",
        "logSumExp", "prod", "softplus", "sigmoid", "matmul", "moveAxis", "transpose", "where",
        "maximum", "abs", "erf", "logSigmoid", "mean", "max", "squeeze", "indexTensor",
        "diagEmbed", "tril", "sumTo", "mulSumTo", "pow", "logGamma", "digamma", "keptLog",
        "keptLog", "keptLog"};
    String op = ops[rnd.nextInt(ops.length)];
    int none = -1;
    switch (op) {
      case "select":
        return rank < 2 ? null : new Step(op, a, none, new int[] {axis, rnd.nextInt(s.dim(axis))});
      case "slice": {
        if (rank == 0) {
          return null;
        }
        int n = s.dim(axis);
        int from = rnd.nextInt(n);
        int to = from + 1 + rnd.nextInt(n - from);
        return new Step(op, a, none, new int[] {axis, from, to, 1 + rnd.nextInt(2)});
      }
      case "flip":
      case "cumsum":
        return rank == 0 ? null : new Step(op, a, none, new int[] {axis});
      case "sum":
      case "logSumExp":
      case "prod":
      case "mean":
      case "max":
        return rank < 2 ? null : new Step(op, a, none, new int[] {axis});
      case "moveAxis":
        return rank < 2 ? null : new Step(op, a, none, new int[] {axis, rnd.nextInt(rank)});
      case "permute": {
        if (rank < 2) {
          return null;
        }
        List<Integer> perm = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
          perm.add(d);
        }
        java.util.Collections.shuffle(perm, rnd);
        return new Step(op, a, none, perm.stream().mapToInt(Integer::intValue).toArray());
      }
      case "reshape": {
        if (rank < 2) {
          return new Step(op, a, none, new int[] {s.numel(), 1});
        }
        int[] dims = s.toArray();
        int d = rnd.nextInt(rank - 1); // merge axes d and d + 1
        List<Integer> merged = new ArrayList<>();
        for (int k = 0; k < rank; k++) {
          if (k == d + 1) {
            merged.set(d, merged.get(d) * dims[k]);
          } else {
            merged.add(dims[k]);
          }
        }
        return new Step(op, a, none, merged.stream().mapToInt(Integer::intValue).toArray());
      }
      case "broadcast": {
        if (rank > 3) {
          return null;
        }
        int[] dims = new int[rank + 1];
        dims[0] = 2 + rnd.nextInt(2);
        System.arraycopy(s.toArray(), 0, dims, 1, rank);
        return new Step(op, a, none, dims);
      }
      case "diagonal":
        return rank == 2 && s.dim(0) == s.dim(1) ? new Step(op, a, none, new int[0]) : null;
      case "unsqueeze":
        return rank > 3 ? null : new Step(op, a, none, new int[] {rnd.nextInt(rank + 1)});
      case "scale":
        return new Step(op, a, none, new int[] {rnd.nextInt(4)});
      case "transpose":
        return rank == 2 ? new Step(op, a, none, new int[0]) : null;
      case "squeeze": {
        for (int d = 0; d < rank; d++) {
          if (s.dim(d) == 1 && rank > 1) {
            return new Step(op, a, none, new int[] {d});
          }
        }
        return null;
      }
      case "diagEmbed":
        return rank == 1 && s.dim(0) <= 8 ? new Step(op, a, none, new int[0]) : null;
      case "tril":
        return rank == 2 ? new Step(op, a, none, new int[] {rnd.nextInt(3) - 1}) : null;
      case "sumTo":
        return rank >= 2 ? new Step(op, a, none, new int[0]) : null;
      case "indexTensor":
      case "gather": {
        if (rank == 0) {
          return null;
        }
        int[] g = new int[1 + 1 + rnd.nextInt(4)];
        g[0] = axis;
        for (int k = 1; k < g.length; k++) {
          g[k] = rnd.nextInt(s.dim(axis)); // repeats and any order
        }
        return new Step(op, a, none, g);
      }
      case "add":
      case "sub":
      case "mul":
      case "mulAdd":
      case "concat":
      case "stack":
      case "normalSum":
      case "atDraw":
      case "div":
      case "matmul":
      case "where":
      case "maximum":
      case "pow":
      case "mulSumTo": {
        List<Integer> partners = new ArrayList<>();
        for (int b = 0; b < shapes.size(); b++) {
          if (fits(op, s, shapes.get(b), axis)) {
            partners.add(b);
          }
        }
        if (partners.isEmpty()) {
          return null;
        }
        int b = partners.get(rnd.nextInt(partners.size()));
        return new Step(op, a, b, op.equals("concat") ? new int[] {axis} : new int[0]);
      }
      default:
        return new Step(op, a, none, new int[0]);
    }
  }

  /** Whether an operation {@code op} of values of shapes {@code s} and {@code t} applies. */
  private static boolean fits(String op, Shape s, Shape t, int axis) {
    switch (op) {
      case "concat":
        if (s.rank() == 0 || s.rank() != t.rank()) {
          return false;
        }
        for (int d = 0; d < s.rank(); d++) {
          if (d != axis && s.dim(d) != t.dim(d)) {
            return false;
          }
        }
        return true;
      case "stack":
      case "mulAdd":
        return s.equals(t);
      case "normalSum":
        return t.broadcastsTo(s);
      case "atDraw":
        return t.broadcastsTo(s) || s.broadcastsTo(t);
      case "matmul":
        return s.rank() == 2 && t.rank() == 2 && s.dim(1) == t.dim(0);
      case "mulSumTo":
        return Math.max(s.rank(), t.rank()) >= 2 && fits("mul", s, t, axis);
      default:
        try {
          Shape.broadcast(s, t, "test");
          return true;
        } catch (IllegalArgumentException e) {
          return false;
        }
    }
  }
}
