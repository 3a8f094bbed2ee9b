// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.BackwardFn;

/**
 * Elementwise arithmetic, comparisons, {@code where} and {@code clamp}, each with its backward
 * rule.
 *
 * <p>Binary operations broadcast and read their operands where they lie: the hot ones (add, sub,
 * mul, div) have a loop for each of equal contiguous shapes, one value on the left and one value
 * on the right, which the JIT vectorizes, and walk any other layout (a broadcast, a slice, a
 * transpose) as runs of the result ({@link BinaryRuns}) with the same loops inside: the result is
 * their only allocation. The others (pow, min/max, comparisons, where) read each operand as one
 * value, a contiguous run, or a gathered copy ({@link Run}). Backward rules hand gradients in the
 * output's shape to the engine, which sums them to broadcast inputs' shapes.
 */
final class Elementwise {
  private Elementwise() {}

  private static boolean tracked(Tensor a, Tensor b) {
    return a.node() != null || b.node() != null;
  }

  // ------------------------------------------------------------------ add, sub, mul, div

  /** How each operand of a binary kernel is read for a result of shape {@code s}. */
  private static final int ONE = 0; // one value, read at the operand's offset
  private static final int FULL = 1; // a contiguous run of the result's shape
  private static final int OTHER = 2; // anything else: walked as runs

  private static int mode(Tensor t, Shape s) {
    if (t.uniform) {
      return ONE;
    }
    return t.contiguous && t.shape.equals(s) ? FULL : OTHER;
  }

  static Tensor add(Tensor a, Tensor b) {
    Shape s = Shape.broadcast(a.shape, b.shape, "add");
    double[] r = new double[s.numel()];
    addInto(a, b, s, r, 0);
    Tensor out = new Tensor(r, s);
    return tracked(a, b) ? Autodiff.op(out, "add", (g, grads) -> {
      grads.add(0, g);
      grads.add(1, g);
    }, a, b) : out;
  }

  /**
   * {@code r[at ..] = a + b}, broadcast to {@code s}; {@code r} may be the run that {@code a}
   * reads.
   */
  static void addInto(Tensor a, Tensor b, Shape s, double[] r, int at) {
    int ma = mode(a, s);
    int mb = mode(b, s);
    double[] x = a.array();
    double[] y = b.array();
    int xo = a.offset;
    int yo = b.offset;
    int n = s.numel();
    if (ma == FULL && mb == FULL) {
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] + y[yo + i];
      }
    } else if (ma == ONE && mb == FULL) {
      double c = x[xo];
      for (int i = 0; i < n; i++) {
        r[at + i] = c + y[yo + i];
      }
    } else if (ma == FULL && mb == ONE) {
      double c = y[yo];
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] + c;
      }
    } else if (n > 0) {
      BinaryRuns it = new BinaryRuns(a, b, s);
      int k = it.inner;
      for (int ro = 0; ro < n; ro += k, it.next()) {
        int p = it.x;
        int q = it.y;
        int px = it.xStride;
        int py = it.yStride;
        if (px == 1 && py == 1) {
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j] + y[q + j];
          }
        } else if (px == 0 && py == 1) {
          double c = x[p];
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = c + y[q + j];
          }
        } else if (px == 1 && py == 0) {
          double c = y[q];
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j] + c;
          }
        } else {
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j * px] + y[q + j * py];
          }
        }
      }
    }
  }

  static Tensor sub(Tensor a, Tensor b) {
    Shape s = Shape.broadcast(a.shape, b.shape, "sub");
    double[] r = new double[s.numel()];
    int ma = mode(a, s);
    int mb = mode(b, s);
    double[] x = a.array();
    double[] y = b.array();
    int xo = a.offset;
    int yo = b.offset;
    int n = r.length;
    if (ma == FULL && mb == FULL) {
      for (int i = 0; i < n; i++) {
        r[i] = x[xo + i] - y[yo + i];
      }
    } else if (ma == ONE && mb == FULL) {
      double c = x[xo];
      for (int i = 0; i < n; i++) {
        r[i] = c - y[yo + i];
      }
    } else if (ma == FULL && mb == ONE) {
      double c = y[yo];
      for (int i = 0; i < n; i++) {
        r[i] = x[xo + i] - c;
      }
    } else if (n > 0) {
      BinaryRuns it = new BinaryRuns(a, b, s);
      int k = it.inner;
      for (int ro = 0; ro < n; ro += k, it.next()) {
        int p = it.x;
        int q = it.y;
        int px = it.xStride;
        int py = it.yStride;
        if (px == 1 && py == 1) {
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j] - y[q + j];
          }
        } else if (px == 0 && py == 1) {
          double c = x[p];
          for (int j = 0; j < k; j++) {
            r[ro + j] = c - y[q + j];
          }
        } else if (px == 1 && py == 0) {
          double c = y[q];
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j] - c;
          }
        } else {
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j * px] - y[q + j * py];
          }
        }
      }
    }
    Tensor out = new Tensor(r, s);
    return tracked(a, b) ? Autodiff.op(out, "sub", (g, grads) -> {
      grads.add(0, g);
      grads.addProduct(1, g, MINUS_ONE);
    }, a, b) : out;
  }

  private static final Tensor MINUS_ONE = Tensor.scalar(-1.0);

  static Tensor mul(Tensor a, Tensor b) {
    Shape s = Shape.broadcast(a.shape, b.shape, "mul");
    double[] r = new double[s.numel()];
    mulInto(a, b, s, r, 0);
    Tensor out = new Tensor(r, s);
    return tracked(a, b) ? Autodiff.op(out, "mul", (g, grads) -> {
      grads.addProduct(0, g, b);
      grads.addProduct(1, g, a);
    }, a, b) : out;
  }

  /** {@code r[at ..] = a * b}, broadcast to {@code s}. */
  static void mulInto(Tensor a, Tensor b, Shape s, double[] r, int at) {
    int ma = mode(a, s);
    int mb = mode(b, s);
    double[] x = a.array();
    double[] y = b.array();
    int xo = a.offset;
    int yo = b.offset;
    int n = s.numel();
    if (ma == FULL && mb == FULL) {
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] * y[yo + i];
      }
    } else if (ma == ONE && mb == FULL) {
      double c = x[xo];
      for (int i = 0; i < n; i++) {
        r[at + i] = c * y[yo + i];
      }
    } else if (ma == FULL && mb == ONE) {
      double c = y[yo];
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] * c;
      }
    } else if (n > 0) {
      BinaryRuns it = new BinaryRuns(a, b, s);
      int k = it.inner;
      for (int ro = 0; ro < n; ro += k, it.next()) {
        int p = it.x;
        int q = it.y;
        int px = it.xStride;
        int py = it.yStride;
        if (px == 1 && py == 1) {
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j] * y[q + j];
          }
        } else if (px == 0 && py == 1) {
          double c = x[p];
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = c * y[q + j];
          }
        } else if (px == 1 && py == 0) {
          double c = y[q];
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j] * c;
          }
        } else {
          for (int j = 0; j < k; j++) {
            r[at + ro + j] = x[p + j * px] * y[q + j * py];
          }
        }
      }
    }
  }

  static Tensor div(Tensor a, Tensor b) {
    Shape s = Shape.broadcast(a.shape, b.shape, "div");
    double[] r = new double[s.numel()];
    int ma = mode(a, s);
    int mb = mode(b, s);
    double[] x = a.array();
    double[] y = b.array();
    int xo = a.offset;
    int yo = b.offset;
    int n = r.length;
    if (ma == FULL && mb == FULL) {
      for (int i = 0; i < n; i++) {
        r[i] = x[xo + i] / y[yo + i];
      }
    } else if (ma == ONE && mb == FULL) {
      double c = x[xo];
      for (int i = 0; i < n; i++) {
        r[i] = c / y[yo + i];
      }
    } else if (ma == FULL && mb == ONE) {
      double c = y[yo];
      for (int i = 0; i < n; i++) {
        r[i] = x[xo + i] / c;
      }
    } else if (n > 0) {
      BinaryRuns it = new BinaryRuns(a, b, s);
      int k = it.inner;
      for (int ro = 0; ro < n; ro += k, it.next()) {
        int p = it.x;
        int q = it.y;
        int px = it.xStride;
        int py = it.yStride;
        if (px == 1 && py == 1) {
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j] / y[q + j];
          }
        } else if (px == 0 && py == 1) {
          double c = x[p];
          for (int j = 0; j < k; j++) {
            r[ro + j] = c / y[q + j];
          }
        } else if (px == 1 && py == 0) {
          double c = y[q];
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j] / c;
          }
        } else {
          for (int j = 0; j < k; j++) {
            r[ro + j] = x[p + j * px] / y[q + j * py];
          }
        }
      }
    }
    Tensor out = new Tensor(r, s);
    // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
    return tracked(a, b) ? Autodiff.op(out, "div", (g, grads) -> {
      if (grads.wants(0)) {
        grads.add(0, g.div(b));
      }
      if (grads.wants(1)) {
        grads.addProduct(1, g, grads.output().div(b).neg());
      }
    }, a, b) : out;
  }

  // ------------------------------------------------------------------ scalar operands

  static Tensor addScalar(Tensor a, double c) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[o + i] + c;
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "add", (g, grads) -> grads.add(0, g), a);
  }

  static Tensor rsubScalar(Tensor a, double c) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = c - x[o + i];
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "rsub", (g, grads) -> grads.addProduct(0, g, MINUS_ONE), a);
  }

  static Tensor divScalar(Tensor a, double c) {
    // a true division, not a multiplication by 1/c, so that x.div(3) == x / 3 exactly
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[o + i] / c;
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "div", (g, grads) -> grads.add(0, g.div(c)), a);
  }

  static Tensor mulScalar(Tensor a, double c) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[o + i] * c;
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "mul", (g, grads) -> grads.addProduct(0, g, Tensor.scalar(c)), a);
  }

  // ------------------------------------------------------------------ pow, min, max

  /**
   * An operand of the less frequent kernels, read as {@code a[o + i * step]} for element {@code
   * i} of the result: one value (step 0), a contiguous run of the result's shape, or a gathered
   * copy of its broadcast.
   */
  record Run(double[] a, int o, int step) {
    static Run of(Tensor t, Shape s) {
      if (t.uniform) {
        return new Run(t.array(), t.offset, 0);
      }
      if (t.contiguous && t.shape.equals(s)) {
        return new Run(t.array(), t.offset, 1);
      }
      return new Run(Strided.expand(t, s), 0, 1);
    }

    double at(int i) {
      return a[o + i * step];
    }
  }

  static Tensor pow(Tensor a, Tensor b) {
    Shape s = Shape.broadcast(a.shape, b.shape, "pow");
    Run x = Run.of(a, s);
    Run y = Run.of(b, s);
    double[] r = new double[s.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.pow(x.at(i), y.at(i));
    }
    Tensor out = new Tensor(r, s);
    if (!tracked(a, b)) {
      return out;
    }
    // d/da = b a^(b-1); d/db = a^b log a, taken as 0 where a <= 0 (the limit at a = 0 when b > 0).
    // The log is taken of a base with 1 in those places: where() routes a zero gradient to the
    // branch it drops, and 0 * d(log a)/da = 0 * inf would make second derivatives NaN there.
    return Autodiff.op(out, "pow", (g, grads) -> {
      if (grads.wants(0)) {
        grads.add(0, g.mul(b).mul(a.pow(b.sub(1.0))));
      }
      if (grads.wants(1)) {
        Tensor positive = a.gt(0.0);
        Tensor safeBase = Tensor.where(positive, a, Tensor.scalar(1.0));
        Tensor dz = grads.output().mul(safeBase.log());
        grads.add(1, g.mul(Tensor.where(positive, dz, Tensor.scalar(0.0))));
      }
    }, a, b);
  }

  static Tensor powScalar(Tensor a, double p) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    if (p == 2.0) {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[o + i] * x[o + i];
      }
    } else if (p == 0.5) {
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.sqrt(x[o + i]);
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.pow(x[o + i], p);
      }
    }
    Tensor out = new Tensor(r, a.shape);
    if (a.node() == null || p == 0.0) {
      return out;
    }
    return Autodiff.op(out, "pow",
        (g, grads) -> grads.addProduct(0, g, a.pow(p - 1.0).mul(p)), a);
  }

  static Tensor minimum(Tensor a, Tensor b) {
    return extreme(a, b, false);
  }

  static Tensor maximum(Tensor a, Tensor b) {
    return extreme(a, b, true);
  }

  private static Tensor extreme(Tensor a, Tensor b, boolean max) {
    String name = max ? "maximum" : "minimum";
    Shape s = Shape.broadcast(a.shape, b.shape, name);
    Run x = Run.of(a, s);
    Run y = Run.of(b, s);
    double[] r = new double[s.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = max ? Math.max(x.at(i), y.at(i)) : Math.min(x.at(i), y.at(i));
    }
    Tensor out = new Tensor(r, s);
    if (!tracked(a, b)) {
      return out;
    }
    // the winner takes the gradient; ties split it evenly (the symmetric subgradient)
    return Autodiff.op(out, name, (g, grads) -> {
      for (int i = 0; i < 2; i++) {
        if (grads.wants(i)) {
          Tensor mine = (i == 0 ? a : b).detach();
          Tensor other = (i == 0 ? b : a).detach();
          Tensor wins = max ? mine.gt(other) : mine.lt(other);
          grads.addProduct(i, g, wins.toFloat().add(mine.eq(other).toFloat().mul(0.5)));
        }
      }
    }, a, b);
  }

  // ------------------------------------------------------------------ unary math

  static Tensor exp(Tensor a) {
    return recordedExp(expValues(a), a);
  }

  /** {@link #exp}, its result keeping {@code a} as its log ({@link Tensor#keptLog}). */
  static Tensor expWithLog(Tensor a) {
    return recordedExp(expValues(a).withExponent(a), a);
  }

  private static Tensor expValues(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.exp(x[o + i]);
    }
    return new Tensor(r, a.shape);
  }

  private static Tensor recordedExp(Tensor out, Tensor a) {
    // d exp(x)/dx = exp(x)
    return a.node() == null ? out
        : Autodiff.op(out, "exp", (g, grads) -> grads.addProduct(0, g, grads.output()), a);
  }

  static Tensor log(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.log(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "log", (g, grads) -> grads.add(0, g.div(a)), a);
  }

  static Tensor log1p(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.log1p(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "log1p", (g, grads) -> grads.add(0, g.div(a.add(1.0))), a);
  }

  static Tensor expm1(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.expm1(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "expm1",
            (g, grads) -> grads.addProduct(0, g, grads.output().add(1.0)), a);
  }

  static Tensor sqrt(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.sqrt(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "sqrt", (g, grads) -> grads.add(0, g.div(grads.output()).mul(0.5)), a);
  }

  static Tensor abs(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.abs(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "abs", (g, grads) -> grads.addProduct(0, g, a.detach().sign()), a);
  }

  static Tensor sign(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.signum(x[o + i]);
    }
    return new Tensor(r, a.shape); // piecewise constant: no gradient flows
  }

  static Tensor floor(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.floor(x[o + i]);
    }
    return new Tensor(r, a.shape); // piecewise constant: no gradient flows
  }

  static Tensor square(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[o + i] * x[o + i];
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "square", (g, grads) -> grads.addProduct(0, g, a.mul(2.0)), a);
  }

  static Tensor reciprocal(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = 1.0 / x[o + i];
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "reciprocal",
            (g, grads) -> grads.addProduct(0, g, grads.output().square().neg()), a);
  }

  static Tensor sigmoid(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = sigmoid(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "sigmoid",
            (g, grads) -> grads.addProduct(0, g, grads.output().mul(grads.output().rsub(1.0))), a);
  }

  static double sigmoid(double v) {
    if (v >= 0) {
      return 1.0 / (1.0 + Math.exp(-v));
    }
    double e = Math.exp(v);
    return e / (1.0 + e);
  }

  static double softplus(double v) {
    // log(1 + e^v) = max(v, 0) + log1p(e^-|v|): no overflow, full precision for v << 0
    return Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)));
  }

  static Tensor logSigmoid(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = -softplus(-x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "logSigmoid",
            (g, grads) -> grads.addProduct(0, g, a.neg().sigmoid()), a);
  }

  static Tensor softplus(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = softplus(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "softplus", (g, grads) -> grads.addProduct(0, g, a.sigmoid()), a);
  }

  static Tensor tanh(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.tanh(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "tanh",
            (g, grads) -> grads.addProduct(0, g, grads.output().square().rsub(1.0)), a);
  }

  static Tensor sin(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.sin(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "sin", (g, grads) -> grads.addProduct(0, g, a.cos()), a);
  }

  static Tensor cos(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.cos(x[o + i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null ? out
        : Autodiff.op(out, "cos", (g, grads) -> grads.addProduct(0, g, a.sin().neg()), a);
  }

  static Tensor clamp(Tensor a, double lo, double hi) {
    if (lo > hi) {
      throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
    }
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.min(Math.max(x[o + i], lo), hi);
    }
    Tensor out = new Tensor(r, a.shape);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(out, "clamp", (g, grads) -> {
      Tensor d = a.detach();
      grads.addProduct(0, g, d.ge(lo).and(d.le(hi)).toFloat());
    }, a);
  }

  // ------------------------------------------------------------------ mulAdd

  /**
   * {@code a * b + c}, broadcast, rounded as the two operations (no fused multiply-add), in one
   * pass: the product is not kept.
   */
  static Tensor mulAdd(Tensor a, Tensor b, Tensor c) {
    Shape s = Shape.broadcast(Shape.broadcast(a.shape, b.shape, "mulAdd"), c.shape, "mulAdd");
    double[] r = new double[s.numel()];
    mulAddInto(a, b, c, s, r, 0);
    Tensor out = new Tensor(r, s);
    if (a.node() == null && b.node() == null && c.node() == null) {
      return out;
    }
    // the rules of mul and add: d/da = g b, d/db = g a, d/dc = g
    BackwardFn rule = (g, grads) -> {
      grads.addProduct(0, g, b);
      grads.addProduct(1, g, a);
      grads.add(2, g);
    };
    // c's gradient is the output's when c is not broadcast (a draw loc + scale * noise: loc's)
    return c.shape.equals(s) ? Autodiff.opPassingTo(2, out, "mulAdd", rule, a, b, c)
        : Autodiff.op(out, "mulAdd", rule, a, b, c);
  }

  /**
   * {@code r[at ..] = a * b + c}, broadcast to {@code s}; {@code r} may be the run {@code c} reads
   * (an accumulation in place). An operand that is neither one value nor a contiguous run of the
   * result's shape is gathered first.
   */
  static void mulAddInto(Tensor a, Tensor b, Tensor c, Shape s, double[] r,
      int at) {
    Run xr = Run.of(a, s);
    Run yr = Run.of(b, s);
    Run zr = Run.of(c, s);
    double[] x = xr.a;
    double[] y = yr.a;
    double[] z = zr.a;
    int xo = xr.o;
    int yo = yr.o;
    int zo = zr.o;
    int n = s.numel();
    if (xr.step == 1 && yr.step == 1 && zr.step == 1) {
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] * y[yo + i] + z[zo + i];
      }
    } else if (xr.step == 1 && yr.step == 0 && zr.step == 1) {
      double k = y[yo];
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] * k + z[zo + i];
      }
    } else if (xr.step == 1 && yr.step == 1 && zr.step == 0) {
      double k = z[zo];
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i] * y[yo + i] + k;
      }
    } else {
      int xs = xr.step;
      int ys = yr.step;
      int zs = zr.step;
      for (int i = 0; i < n; i++) {
        r[at + i] = x[xo + i * xs] * y[yo + i * ys] + z[zo + i * zs];
      }
    }
  }

  // ------------------------------------------------------------------ where, comparisons

  static Tensor where(Tensor mask, Tensor a, Tensor b) {
    if (!mask.isBool()) {
      throw new IllegalArgumentException(
          "where: the mask must be a boolean tensor (from a comparison or Tensor.ofBooleans), "
              + "but got dtype "
              + mask.dtype()
              + " of shape "
              + mask.shape);
    }
    Shape ma = Shape.broadcastOrNull(mask.shape, a.shape);
    Shape s = ma == null ? null : Shape.broadcastOrNull(ma, b.shape);
    if (s == null) {
      throw new IllegalArgumentException(
          "where: cannot broadcast the mask " + mask.shape + ", a " + a.shape + " and b "
              + b.shape + " together");
    }
    Run m = Run.of(mask, s);
    Run x = Run.of(a, s);
    Run y = Run.of(b, s);
    double[] r = new double[s.numel()];
    double[] md = m.a();
    double[] xd = x.a();
    double[] yd = y.a();
    int mo = m.o();
    int xo = x.o();
    int yo = y.o();
    // a mask over values, or over values and one constant (a masked density's 0, a point of the
    // support): loops with no index arithmetic but the offset
    if (m.step() == 1 && x.step() == 1 && y.step() == 1) {
      for (int i = 0; i < r.length; i++) {
        r[i] = md[mo + i] != 0.0 ? xd[xo + i] : yd[yo + i];
      }
    } else if (m.step() == 1 && x.step() == 1 && y.step() == 0) {
      double yv = yd[yo];
      for (int i = 0; i < r.length; i++) {
        r[i] = md[mo + i] != 0.0 ? xd[xo + i] : yv;
      }
    } else if (m.step() == 1 && x.step() == 0 && y.step() == 1) {
      double xv = xd[xo];
      for (int i = 0; i < r.length; i++) {
        r[i] = md[mo + i] != 0.0 ? xv : yd[yo + i];
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = m.at(i) != 0.0 ? x.at(i) : y.at(i);
      }
    }
    Tensor out = new Tensor(r, s);
    if (!tracked(a, b)) {
      return out;
    }
    Tensor zero = Tensor.scalar(0.0);
    return Autodiff.op(out, "where", (g, grads) -> {
      if (grads.wants(0)) {
        grads.add(0, where(mask, g, zero));
      }
      if (grads.wants(1)) {
        grads.add(1, where(mask, zero, g));
      }
    }, a, b);
  }

  /** Comparison operators. */
  enum Cmp {
    LT,
    LE,
    GT,
    GE,
    EQ,
    NE;

    boolean test(double x, double y) {
      switch (this) {
        case LT:
          return x < y;
        case LE:
          return x <= y;
        case GT:
          return x > y;
        case GE:
          return x >= y;
        case EQ:
          return x == y;
        default:
          return x != y;
      }
    }
  }

  static Tensor compare(Tensor a, Tensor b, Cmp cmp) {
    Shape s = Shape.broadcast(a.shape, b.shape, cmp.name().toLowerCase(java.util.Locale.ROOT));
    Run x = Run.of(a, s);
    Run y = Run.of(b, s);
    double[] r = new double[s.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = cmp.test(x.at(i), y.at(i)) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, s);
  }

  static Tensor logical(Tensor a, Tensor b, boolean and) {
    String name = and ? "and" : "or";
    if (!a.isBool() || !b.isBool()) {
      throw new IllegalArgumentException(
          name + ": needs boolean tensors, but got " + a.dtype() + " and " + b.dtype());
    }
    Shape s = Shape.broadcast(a.shape, b.shape, name);
    Run x = Run.of(a, s);
    Run y = Run.of(b, s);
    double[] r = new double[s.numel()];
    for (int i = 0; i < r.length; i++) {
      boolean p = x.at(i) != 0.0;
      boolean q = y.at(i) != 0.0;
      r[i] = (and ? p && q : p || q) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, s);
  }

  static Tensor not(Tensor a) {
    if (!a.isBool()) {
      throw new IllegalArgumentException("not: needs a boolean tensor, but got " + a.dtype());
    }
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[o + i] != 0.0 ? 0.0 : 1.0;
    }
    return Tensor.bool(r, a.shape);
  }

  static Tensor isFinite(Tensor a) {
    double[] x = a.flat();
    int o = a.flatOffset();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Double.isFinite(x[o + i]) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, a.shape);
  }
}
