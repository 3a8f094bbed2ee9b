// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.BackwardFn;

/**
 * Elementwise arithmetic, comparisons, {@code where} and {@code clamp}, each with its backward
 * rule.
 *
 * <p>Binary operations broadcast. The hot ones (add, sub, mul, div) have a dedicated loop for each
 * of equal shapes, scalar left and scalar right, which the JIT vectorizes, and walk any other
 * broadcast as contiguous runs ({@link Strided.Rows}) with the same loops inside: the result is
 * their only allocation. The others (pow, min/max, comparisons, where) expand a broadcast operand
 * with a strided gather first. Backward rules return gradients in the output's shape and leave the
 * reduction to broadcast inputs' shapes to the autodiff engine.
 */
final class Elementwise {
  private Elementwise() {}

  private static Tensor unary(double[] r, Tensor a) {
    return new Tensor(r, a.shape);
  }

  private static boolean tracked(Tensor a, Tensor b) {
    return a.node() != null || b.node() != null;
  }

  // ------------------------------------------------------------------ add, sub, mul, div

  /**
   * The operands of a binary op. Each is either the full result shape or one value ({@code
   * xScalar}, {@code yScalar}: the three loops the JIT vectorizes), or, for any other broadcast,
   * {@code rows} walks both in place.
   */
  private record Operands(
      double[] x, double[] y, boolean xScalar, boolean yScalar, Strided.Rows rows, Shape shape) {
    /** For add, sub, mul and div, which loop over {@code rows} themselves. */
    static Operands of(Tensor a, Tensor b, String op) {
      Shape s = Shape.broadcast(a.shape, b.shape, op);
      boolean xs = a.data.length == 1 && !a.shape.equals(s);
      boolean ys = b.data.length == 1 && !b.shape.equals(s);
      boolean direct = (xs || a.shape.equals(s)) && (ys || b.shape.equals(s));
      Strided.Rows rows = direct ? null : new Strided.Rows(a.shape, b.shape, s);
      return new Operands(a.data, b.data, xs, ys, rows, s);
    }

    /** For the other binary ops: operands that are not one value are expanded to full size. */
    static Operands expanded(Tensor a, Tensor b, String op) {
      Shape s = Shape.broadcast(a.shape, b.shape, op);
      boolean xs = a.data.length == 1 && !a.shape.equals(s);
      boolean ys = b.data.length == 1 && !b.shape.equals(s);
      double[] x = xs ? a.data : Strided.expand(a, s);
      double[] y = ys ? b.data : Strided.expand(b, s);
      return new Operands(x, y, xs, ys, null, s);
    }
  }

  static Tensor add(Tensor a, Tensor b) {
    Operands o = Operands.of(a, b, "add");
    double[] x = o.x;
    double[] y = o.y;
    double[] r = new double[o.shape.numel()];
    if (o.rows != null) {
      Strided.Rows it = o.rows;
      int n = it.inner;
      for (int ro = 0; ro < r.length; ro += n, it.next()) {
        int xo = it.x;
        int yo = it.y;
        if (it.xStep && it.yStep) {
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] + y[yo + k];
          }
        } else if (it.yStep) {
          double c = x[xo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = c + y[yo + k];
          }
        } else {
          double c = y[yo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] + c;
          }
        }
      }
    } else if (o.xScalar) {
      double c = x[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c + y[i];
      }
    } else if (o.yScalar) {
      double c = y[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] + c;
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] + y[i];
      }
    }
    Tensor out = new Tensor(r, o.shape);
    return tracked(a, b) ? Autodiff.op(out, "add", (g, z, i) -> g, a, b) : out;
  }

  static Tensor sub(Tensor a, Tensor b) {
    Operands o = Operands.of(a, b, "sub");
    double[] x = o.x;
    double[] y = o.y;
    double[] r = new double[o.shape.numel()];
    if (o.rows != null) {
      Strided.Rows it = o.rows;
      int n = it.inner;
      for (int ro = 0; ro < r.length; ro += n, it.next()) {
        int xo = it.x;
        int yo = it.y;
        if (it.xStep && it.yStep) {
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] - y[yo + k];
          }
        } else if (it.yStep) {
          double c = x[xo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = c - y[yo + k];
          }
        } else {
          double c = y[yo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] - c;
          }
        }
      }
    } else if (o.xScalar) {
      double c = x[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c - y[i];
      }
    } else if (o.yScalar) {
      double c = y[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] - c;
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] - y[i];
      }
    }
    Tensor out = new Tensor(r, o.shape);
    return tracked(a, b) ? Autodiff.op(out, "sub", (g, z, i) -> i == 0 ? g : g.neg(), a, b) : out;
  }

  static Tensor mul(Tensor a, Tensor b) {
    Operands o = Operands.of(a, b, "mul");
    double[] x = o.x;
    double[] y = o.y;
    double[] r = new double[o.shape.numel()];
    if (o.rows != null) {
      Strided.Rows it = o.rows;
      int n = it.inner;
      for (int ro = 0; ro < r.length; ro += n, it.next()) {
        int xo = it.x;
        int yo = it.y;
        if (it.xStep && it.yStep) {
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] * y[yo + k];
          }
        } else if (it.yStep) {
          double c = x[xo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = c * y[yo + k];
          }
        } else {
          double c = y[yo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] * c;
          }
        }
      }
    } else if (o.xScalar) {
      double c = x[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c * y[i];
      }
    } else if (o.yScalar) {
      double c = y[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] * c;
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] * y[i];
      }
    }
    Tensor out = new Tensor(r, o.shape);
    return tracked(a, b)
        ? Autodiff.op(out, "mul", new MulBackward(a, b), a, b)
        : out;
  }

  /** d(a b)/da = g b, d(a b)/db = g a; a new tensor each, or added into the input's buffer. */
  private record MulBackward(Tensor a, Tensor b) implements BackwardFn.Fresh {
    @Override
    public Tensor apply(Tensor g, Tensor out, int input) {
      return input == 0 ? productGrad(g, b, a) : productGrad(g, a, b);
    }

    @Override
    public boolean addInto(Tensor g, Tensor out, int input, double[] target) {
      return addProduct(g, input == 0 ? b : a, target);
    }
  }

  /** {@code target += g * other} when all three have one size (no broadcast); else false. */
  static boolean addProduct(Tensor g, Tensor other, double[] target) {
    double[] x = g.data;
    double[] y = other.data;
    if (x.length != target.length || y.length != target.length) {
      return false;
    }
    for (int i = 0; i < target.length; i++) {
      target[i] += x[i] * y[i];
    }
    return true;
  }

  /**
   * {@code g * other}, the gradient of a product with respect to {@code input}; for a single-value
   * input of a larger product (a scalar parameter scaling a tensor) its sum in one pass, rather
   * than the product at full size for the engine to reduce.
   */
  private static Tensor productGrad(Tensor g, Tensor other, Tensor input) {
    if (input.data.length == 1 && g.data.length > 1 && other.data.length == g.data.length
        && !Autodiff.isRecording()) {
      return new Tensor(
          new double[] {FusedDensities.dot(g.data, other.data, g.data.length)}, input.shape);
    }
    return g.mul(other);
  }

  static Tensor div(Tensor a, Tensor b) {
    Operands o = Operands.of(a, b, "div");
    double[] x = o.x;
    double[] y = o.y;
    double[] r = new double[o.shape.numel()];
    if (o.rows != null) {
      Strided.Rows it = o.rows;
      int n = it.inner;
      for (int ro = 0; ro < r.length; ro += n, it.next()) {
        int xo = it.x;
        int yo = it.y;
        if (it.xStep && it.yStep) {
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] / y[yo + k];
          }
        } else if (it.yStep) {
          double c = x[xo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = c / y[yo + k];
          }
        } else {
          double c = y[yo];
          for (int k = 0; k < n; k++) {
            r[ro + k] = x[xo + k] / c;
          }
        }
      }
    } else if (o.xScalar) {
      double c = x[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c / y[i];
      }
    } else if (o.yScalar) {
      double c = y[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] / c;
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] / y[i];
      }
    }
    Tensor out = new Tensor(r, o.shape);
    // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
    return tracked(a, b)
        ? Autodiff.op(out, "div",
            (BackwardFn.Fresh) (g, z, i) -> i == 0 ? g.div(b) : divisorGrad(g, z, b), a, b)
        : out;
  }

  /**
   * {@code -g * (a / b) / b}, the gradient of a quotient with respect to its divisor {@code b};
   * for a single-value divisor of a larger quotient its sum in one pass.
   */
  private static Tensor divisorGrad(Tensor g, Tensor quotient, Tensor b) {
    if (b.data.length == 1 && g.data.length > 1 && quotient.data.length == g.data.length
        && !Autodiff.isRecording()) {
      double sum = FusedDensities.dot(g.data, quotient.data, g.data.length);
      return new Tensor(new double[] {-(sum / b.data[0])}, b.shape);
    }
    return g.mul(quotient).div(b).neg();
  }

  static Tensor addScalar(Tensor a, double c) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] + c;
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "add", (g, z, i) -> g, a);
  }

  static Tensor rsubScalar(Tensor a, double c) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = c - x[i];
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "rsub", (g, z, i) -> g.neg(), a);
  }

  static Tensor divScalar(Tensor a, double c) {
    // a true division, not a multiplication by 1/c, so that x.div(3) == x / 3 exactly
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] / c;
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "div", (g, z, i) -> g.div(c), a);
  }

  static Tensor mulScalar(Tensor a, double c) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] * c;
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "mul", (g, z, i) -> g.mul(c), a);
  }

  // ------------------------------------------------------------------ pow, min, max

  static Tensor pow(Tensor a, Tensor b) {
    Operands o = Operands.expanded(a, b, "pow");
    double[] r = new double[o.shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.pow(o.x[o.xScalar ? 0 : i], o.y[o.yScalar ? 0 : i]);
    }
    Tensor out = new Tensor(r, o.shape);
    if (!tracked(a, b)) {
      return out;
    }
    // d/da = b a^(b-1); d/db = a^b log a, taken as 0 where a <= 0 (the limit at a = 0 when b > 0).
    // The log is taken of a base with 1 in those places: where() routes a zero gradient to the
    // branch it drops, and 0 * d(log a)/da = 0 * inf would make second derivatives NaN there.
    return Autodiff.op(
        out,
        "pow",
        (g, z, i) -> {
          if (i == 0) {
            return g.mul(b).mul(a.pow(b.sub(1.0)));
          }
          Tensor positive = a.gt(0.0);
          Tensor safeBase = Tensor.where(positive, a, Tensor.scalar(1.0));
          return g.mul(Tensor.where(positive, z.mul(safeBase.log()), Tensor.scalar(0.0)));
        },
        a,
        b);
  }

  static Tensor powScalar(Tensor a, double p) {
    double[] x = a.data;
    double[] r = new double[x.length];
    if (p == 2.0) {
      for (int i = 0; i < r.length; i++) {
        r[i] = x[i] * x[i];
      }
    } else if (p == 0.5) {
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.sqrt(x[i]);
      }
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.pow(x[i], p);
      }
    }
    Tensor out = unary(r, a);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(
        out, "pow", (g, z, i) -> p == 0.0 ? null : g.mul(a.pow(p - 1.0)).mul(p), a);
  }

  static Tensor minimum(Tensor a, Tensor b) {
    return extreme(a, b, false);
  }

  static Tensor maximum(Tensor a, Tensor b) {
    return extreme(a, b, true);
  }

  private static Tensor extreme(Tensor a, Tensor b, boolean max) {
    String name = max ? "maximum" : "minimum";
    Operands o = Operands.expanded(a, b, name);
    double[] r = new double[o.shape.numel()];
    for (int i = 0; i < r.length; i++) {
      double x = o.x[o.xScalar ? 0 : i];
      double y = o.y[o.yScalar ? 0 : i];
      r[i] = max ? Math.max(x, y) : Math.min(x, y);
    }
    Tensor out = new Tensor(r, o.shape);
    if (!tracked(a, b)) {
      return out;
    }
    // the winner takes the gradient; ties split it evenly (the symmetric subgradient)
    return Autodiff.op(
        out,
        name,
        (g, z, i) -> {
          Tensor mine = (i == 0 ? a : b).detach();
          Tensor other = (i == 0 ? b : a).detach();
          Tensor wins = max ? mine.gt(other) : mine.lt(other);
          Tensor weight = wins.toFloat().add(mine.eq(other).toFloat().mul(0.5));
          return g.mul(weight);
        },
        a,
        b);
  }

  // ------------------------------------------------------------------ unary math

  static Tensor exp(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    boolean normal = true; // every result a normal finite double: then its log is x
    for (int i = 0; i < r.length; i++) {
      double xi = x[i];
      r[i] = Math.exp(xi);
      normal &= xi >= KnownLog.MIN_ARG & xi <= KnownLog.MAX_ARG;
    }
    Tensor out = new Tensor(r, a.shape, DType.FLOAT64, null, null,
        normal ? KnownLog.of(x) : null);
    return a.node() == null ? out : Autodiff.op(out, "exp", new ExpBackward(), a);
  }

  /** d exp(x)/dx = exp(x): a new tensor, or written over the incoming gradient. */
  private static final class ExpBackward implements BackwardFn.Fresh {
    @Override
    public Tensor apply(Tensor g, Tensor z, int input) {
      return g.mul(z);
    }

    @Override
    public Tensor overwrite(Tensor g, Tensor z) {
      double[] r = g.data;
      double[] y = z.data;
      if (r.length != y.length) {
        return null; // a broadcast gradient: not this rule's shape
      }
      for (int i = 0; i < r.length; i++) {
        r[i] *= y[i];
      }
      return new Tensor(r, z.shape);
    }
  }

  static Tensor log(Tensor a) {
    double[] x = a.data;
    double[] r = a.knownLog == null ? null : a.knownLog.values(); // log(exp(y)) is y
    if (r == null) {
      r = new double[x.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.log(x[i]);
      }
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "log", (g, z, i) -> g.div(a), a);
  }

  static Tensor log1p(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.log1p(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "log1p", (g, z, i) -> g.div(a.add(1.0)), a);
  }

  static Tensor expm1(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.expm1(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "expm1", (g, z, i) -> g.mul(z.add(1.0)), a);
  }

  static Tensor sqrt(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.sqrt(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "sqrt", (g, z, i) -> g.div(z).mul(0.5), a);
  }

  static Tensor abs(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.abs(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "abs", (g, z, i) -> g.mul(a.detach().sign()), a);
  }

  static Tensor sign(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.signum(x[i]);
    }
    return unary(r, a); // piecewise constant: no gradient flows
  }

  static Tensor floor(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.floor(x[i]);
    }
    return unary(r, a); // piecewise constant: no gradient flows
  }

  static Tensor square(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] * x[i];
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "square", (g, z, i) -> g.mul(a).mul(2.0), a);
  }

  static Tensor reciprocal(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = 1.0 / x[i];
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "reciprocal", (g, z, i) -> g.mul(z.square()).neg(), a);
  }

  static Tensor sigmoid(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = sigmoid(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "sigmoid", (g, z, i) -> g.mul(z).mul(z.rsub(1.0)), a);
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
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = -softplus(-x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "logSigmoid", (g, z, i) -> g.mul(a.neg().sigmoid()), a);
  }

  static Tensor softplus(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = softplus(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "softplus", (g, z, i) -> g.mul(a.sigmoid()), a);
  }

  static Tensor tanh(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.tanh(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "tanh", (g, z, i) -> g.mul(z.square().rsub(1.0)), a);
  }

  static Tensor sin(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.sin(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null ? out : Autodiff.op(out, "sin", (g, z, i) -> g.mul(a.cos()), a);
  }

  static Tensor cos(Tensor a) {
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.cos(x[i]);
    }
    Tensor out = unary(r, a);
    return a.node() == null
        ? out
        : Autodiff.op(out, "cos", (g, z, i) -> g.mul(a.sin()).neg(), a);
  }

  static Tensor clamp(Tensor a, double lo, double hi) {
    if (lo > hi) {
      throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
    }
    double[] x = a.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.min(Math.max(x[i], lo), hi);
    }
    Tensor out = unary(r, a);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(
        out,
        "clamp",
        (g, z, i) -> {
          Tensor d = a.detach();
          return g.mul(d.ge(lo).and(d.le(hi)).toFloat());
        },
        a);
  }

  // ------------------------------------------------------------------ mulAdd

  /**
   * {@code a * b + c}, broadcast, rounded as the two operations (no fused multiply-add), in one
   * pass: the product is not kept. An operand that is neither one value nor the full result shape
   * is expanded first.
   */
  static Tensor mulAdd(Tensor a, Tensor b, Tensor c) {
    Shape s = Shape.broadcast(Shape.broadcast(a.shape, b.shape, "mulAdd"), c.shape, "mulAdd");
    int n = s.numel();
    double[] x = oneOrFull(a, s);
    double[] y = oneOrFull(b, s);
    double[] z = oneOrFull(c, s);
    double[] r = new double[n];
    if (x.length == n && y.length == n && z.length == n) {
      for (int i = 0; i < n; i++) {
        r[i] = x[i] * y[i] + z[i];
      }
    } else if (x.length == n && y.length == 1 && z.length == n) {
      double k = y[0];
      for (int i = 0; i < n; i++) {
        r[i] = x[i] * k + z[i];
      }
    } else if (x.length == n && y.length == n && z.length == 1) {
      double k = z[0];
      for (int i = 0; i < n; i++) {
        r[i] = x[i] * y[i] + k;
      }
    } else {
      int xs = x.length == 1 ? 0 : 1;
      int ys = y.length == 1 ? 0 : 1;
      int zs = z.length == 1 ? 0 : 1;
      for (int i = 0; i < n; i++) {
        r[i] = x[i * xs] * y[i * ys] + z[i * zs];
      }
    }
    Tensor out = new Tensor(r, s);
    if (a.node() == null && b.node() == null && c.node() == null) {
      return out;
    }
    return Autodiff.op(out, "mulAdd", new MulAddBackward(a, b), a, b, c);
  }

  /** The rules of mul and add: d/da = g b, d/db = g a (new tensors), d/dc = g (itself). */
  private record MulAddBackward(Tensor a, Tensor b) implements BackwardFn {
    @Override
    public Tensor apply(Tensor g, Tensor out, int input) {
      return input == 0 ? g.mul(b) : input == 1 ? g.mul(a) : g;
    }

    @Override
    public boolean addInto(Tensor g, Tensor out, int input, double[] target) {
      return input < 2 && addProduct(g, input == 0 ? b : a, target);
    }

    @Override
    public boolean returnsFresh(int input) {
      return input < 2;
    }
  }

  /** The operand's data if it is one value or full-size, else its expansion to {@code s}. */
  private static double[] oneOrFull(Tensor t, Shape s) {
    return t.data.length == 1 || t.shape.equals(s) ? t.data : Strided.expand(t, s);
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
    double[] m = Strided.expand(mask, s);
    double[] x = Strided.expand(a, s);
    double[] y = Strided.expand(b, s);
    double[] r = new double[s.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = m[i] != 0.0 ? x[i] : y[i];
    }
    Tensor out = new Tensor(r, s);
    if (!tracked(a, b)) {
      return out;
    }
    Tensor zero = Tensor.scalar(0.0);
    return Autodiff.op(
        out,
        "where",
        (g, z, i) -> i == 0 ? where(mask, g, zero) : where(mask, zero, g),
        a,
        b);
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
    Operands o = Operands.expanded(a, b, cmp.name().toLowerCase(java.util.Locale.ROOT));
    double[] r = new double[o.shape.numel()];
    for (int i = 0; i < r.length; i++) {
      r[i] = cmp.test(o.x[o.xScalar ? 0 : i], o.y[o.yScalar ? 0 : i]) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, o.shape);
  }

  static Tensor logical(Tensor a, Tensor b, boolean and) {
    String name = and ? "and" : "or";
    if (!a.isBool() || !b.isBool()) {
      throw new IllegalArgumentException(
          name + ": needs boolean tensors, but got " + a.dtype() + " and " + b.dtype());
    }
    Operands o = Operands.expanded(a, b, name);
    double[] r = new double[o.shape.numel()];
    for (int i = 0; i < r.length; i++) {
      boolean x = o.x[o.xScalar ? 0 : i] != 0.0;
      boolean y = o.y[o.yScalar ? 0 : i] != 0.0;
      r[i] = (and ? x && y : x || y) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, o.shape);
  }

  static Tensor not(Tensor a) {
    if (!a.isBool()) {
      throw new IllegalArgumentException("not: needs a boolean tensor, but got " + a.dtype());
    }
    double[] r = new double[a.data.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.data[i] != 0.0 ? 0.0 : 1.0;
    }
    return Tensor.bool(r, a.shape);
  }

  static Tensor isFinite(Tensor a) {
    double[] r = new double[a.data.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Double.isFinite(a.data[i]) ? 1.0 : 0.0;
    }
    return Tensor.bool(r, a.shape);
  }
}
