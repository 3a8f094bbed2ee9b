// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.BackwardFn;

/**
 * Log-densities computed in one pass, with backward rules that make one pass per input: the hot
 * path of SVI over long series, where the same formula written as separate tensor operations
 * allocates and traverses a full-size array per operation, forward and backward.
 *
 * <pre>{@code
 * Tensor lp = FusedDensities.normal(x, loc, scale); // -((x - loc) / scale)^2 / 2 - log(scale) - log(2 pi) / 2
 * }</pre>
 *
 * <p>Operands broadcast; one that is neither a single value nor the full result shape is expanded
 * first. The gradient of a single-value operand is summed in the backward pass itself rather than
 * materialized at full size. Under {@code createGraph} the backward rules are the same formulas
 * written with tensor operations, so second derivatives stay exact.
 */
public final class FusedDensities {
  private FusedDensities() {}

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /**
   * The elementwise Normal log-density {@code log N(x; loc, scale)}, of the broadcast shape.
   * Parameters are not validated here (the distribution does that).
   */
  public static Tensor normal(Tensor x, Tensor loc, Tensor scale) {
    Shape s = Shape.broadcast(Shape.broadcast(x.shape, loc.shape, "normal log-density"),
        scale.shape, "normal log-density");
    int n = s.numel();
    double[] xv = operand(x, s);
    double[] mv = operand(loc, s);
    double[] sv = operand(scale, s);
    boolean tracked = x.node() != null || loc.node() != null || scale.node() != null;
    double[] r = new double[n];
    // z = (x - loc) / scale and w = z / scale, kept for the backward pass when it will run
    double[] z = tracked ? new double[n] : null;
    double[] w = tracked ? new double[n] : null;
    if (sv.length == 1 && xv.length == n && mv.length == n) {
      double inv = 1.0 / sv[0];
      double c = -Math.log(sv[0]) - HALF_LOG_2PI;
      if (tracked) {
        for (int i = 0; i < n; i++) {
          double zi = (xv[i] - mv[i]) * inv;
          z[i] = zi;
          w[i] = zi * inv;
          r[i] = -0.5 * zi * zi + c;
        }
      } else {
        for (int i = 0; i < n; i++) {
          double zi = (xv[i] - mv[i]) * inv;
          r[i] = -0.5 * zi * zi + c;
        }
      }
    } else {
      int xs = xv.length == 1 ? 0 : 1;
      int ms = mv.length == 1 ? 0 : 1;
      int ss = sv.length == 1 ? 0 : 1;
      KnownLog.Block lb = KnownLog.operand(scale, s); // log(scale) when known (an exp's input)
      double[] lv = lb == null ? null : lb.array();
      int lo = lb == null ? 0 : lb.offset();
      for (int i = 0; i < n; i++) {
        double sc = sv[i * ss];
        double inv = 1.0 / sc;
        double zi = (xv[i * xs] - mv[i * ms]) * inv;
        if (tracked) {
          z[i] = zi;
          w[i] = zi * inv;
        }
        r[i] = -0.5 * zi * zi - (lv == null ? Math.log(sc) : lv[lo + i * ss]) - HALF_LOG_2PI;
      }
    }
    Tensor out = new Tensor(r, s);
    if (!tracked) {
      return out;
    }
    return Autodiff.op(out, "normal log-density",
        new NormalBackward(x, loc, scale, sv, z, w, s), x, loc, scale);
  }

  /**
   * The sum over all elements of {@link #normal}, a scalar: the term a Normal site adds to a log
   * joint. Nothing of the elementwise size is kept for the backward pass when the scale is a
   * single value (the common case of a shared noise scale): the gradients are recomputed from the
   * operands, which costs less than writing intermediates and reading them back.
   *
   * <pre>{@code
   * Tensor lp = FusedDensities.normalSum(x, loc, scale); // FusedDensities.normal(x, loc, scale).sum()
   * }</pre>
   */
  public static Tensor normalSum(Tensor x, Tensor loc, Tensor scale) {
    Shape s = Shape.broadcast(Shape.broadcast(x.shape, loc.shape, "normal log-density"),
        scale.shape, "normal log-density");
    int n = s.numel();
    double[] xv = operand(x, s);
    double[] mv = operand(loc, s);
    double[] sv = operand(scale, s);
    boolean tracked = x.node() != null || loc.node() != null || scale.node() != null;
    // Blocks of terms, each computed in a loop the JIT vectorizes and then added into four
    // partial sums by position mod 4, the order of Tensor.sum, so the value is the same.
    double[] sums = new double[8]; // log-density lanes 0-3; z^2 lanes 4-7 (single-value scale)
    double[] terms = new double[Math.min(BLOCK, n)];
    boolean sharedScale = sv.length == 1 && xv.length == n && mv.length == n;
    double[] squares = sharedScale ? new double[terms.length] : null;
    KnownLog.Block lb = sharedScale ? null : KnownLog.operand(scale, s); // log(scale) if known
    double[] lv = lb == null ? null : lb.array();
    int lo = lb == null ? 0 : lb.offset();
    boolean full = xv.length == n && mv.length == n && sv.length == n;
    double inv = sharedScale ? 1.0 / sv[0] : Double.NaN;
    double c = sharedScale ? -Math.log(sv[0]) - HALF_LOG_2PI : Double.NaN;
    for (int b = 0; b < n; b += BLOCK) {
      int len = Math.min(BLOCK, n - b);
      if (sharedScale) {
        for (int j = 0; j < len; j++) {
          double zi = (xv[b + j] - mv[b + j]) * inv;
          squares[j] = zi * zi;
          terms[j] = -0.5 * zi * zi + c;
        }
        addByLane(sums, 4, squares, len);
      } else if (full && lv != null) {
        for (int j = 0; j < len; j++) {
          double sc = sv[b + j];
          double zi = (xv[b + j] - mv[b + j]) * (1.0 / sc);
          terms[j] = -0.5 * zi * zi - lv[lo + b + j] - HALF_LOG_2PI;
        }
      } else {
        int xs = xv.length == 1 ? 0 : 1;
        int ms = mv.length == 1 ? 0 : 1;
        int ss = sv.length == 1 ? 0 : 1;
        for (int j = 0; j < len; j++) {
          int k = b + j;
          terms[j] = general(xv[k * xs], mv[k * ms], sv, lv, k * ss, lo);
        }
      }
      addByLane(sums, 0, terms, len);
    }
    double s0 = sums[0];
    double s1 = sums[1];
    double s2 = sums[2];
    double s3 = sums[3];
    double sumZ2 = sharedScale ? (sums[4] + sums[5]) + (sums[6] + sums[7]) : Double.NaN;
    Tensor out = Tensor.scalar((s0 + s1) + (s2 + s3));
    if (!tracked) {
      return out;
    }
    return Autodiff.op(out, "normal log-density sum",
        new NormalSumBackward(x, loc, scale, xv, mv, sv, s, sumZ2), x, loc, scale);
  }

  /**
   * The sum of {@code log N(x; loc, scale)} over a reparameterized draw {@code x = loc + scale *
   * noise} of that same Normal, as a function of the noise and the scale: {@code sum(-noise^2 / 2
   * - log scale - log(2 pi) / 2)}. For fixed noise this is the density at the draw as a function
   * of {@code (loc, scale)}, exactly, so its derivatives with respect to anything the draw's
   * parameters depend on are those of the density at the draw taken through {@code x}: the paths
   * through {@code x} and {@code loc} cancel ({@code -w} and {@code +w}) and are not computed. The
   * gradient goes to {@code scale} alone, {@code -g / scale}, one pass or one value.
   *
   * <p>The caller guarantees the relation between the draw and the noise (it holds the draw it
   * made); the draw itself gets no gradient from this term, so it must not be used where the
   * derivative with respect to the draw as an independent input is wanted.
   *
   * <pre>{@code
   * Tensor noise = Samplers.normal(key, loc.shape());
   * Tensor x = noise.mulAdd(scale, loc);                  // the draw
   * Tensor lp = FusedDensities.normalSumAtDraw(noise, scale); // == normalSum(x, loc, scale)
   * }</pre>
   *
   * @param noise the standard normal draws, of the draw's shape
   * @param scale one value, or of the noise's shape
   * @throws IllegalArgumentException if the scale is neither one value nor of the noise's shape
   */
  public static Tensor normalSumAtDraw(Tensor noise, Tensor scale) {
    Shape s = noise.shape;
    if (scale.data.length != 1 && !scale.shape.equals(s)) {
      throw new IllegalArgumentException(
          "normal log-density at a draw: the scale has shape " + scale.shape
              + " but the noise has shape " + s + "; it must be one value or the same shape");
    }
    int n = s.numel();
    double[] ev = noise.data;
    double[] sv = scale.data;
    double sumSquares = dot(ev, ev, n);
    double sumLogScale;
    if (sv.length == 1) {
      sumLogScale = n * Math.log(sv[0]);
    } else {
      KnownLog.Block lb = KnownLog.operand(scale, s); // log(scale) if known, read in place
      if (lb != null) {
        sumLogScale = sum(lb.array(), lb.offset(), n);
      } else {
        double acc = 0;
        for (int i = 0; i < n; i++) {
          acc += Math.log(sv[i]); // the logs' cost dwarfs the chain of adds
        }
        sumLogScale = acc;
      }
    }
    Tensor out = Tensor.scalar(-0.5 * sumSquares - sumLogScale - n * HALF_LOG_2PI);
    if (scale.node() == null) {
      return out;
    }
    return Autodiff.op(out, "normal log-density sum at a draw", new AtDrawBackward(scale, n),
        scale);
  }

  /** d/dscale of {@link #normalSumAtDraw}: {@code -g / scale}, summed for a single value. */
  private static final class AtDrawBackward implements BackwardFn.Fresh {
    private final Tensor scale;
    private final int n;

    AtDrawBackward(Tensor scale, int n) {
      this.scale = scale;
      this.n = n;
    }

    @Override
    public Tensor apply(Tensor grad, Tensor out, int input) {
      if (Autodiff.isRecording()) {
        // createGraph: the same rule in tensor operations, itself differentiable
        Tensor r = grad.neg().div(scale);
        return scale.data.length == 1 ? r.mul((double) n) : r;
      }
      double g = grad.data[0];
      double[] sv = scale.data;
      if (sv.length == 1) {
        return new Tensor(new double[] {-g * n / sv[0]}, scale.shape);
      }
      double[] r = new double[n];
      for (int i = 0; i < n; i++) {
        r[i] = -g / sv[i];
      }
      return new Tensor(r, scale.shape);
    }

    @Override
    public boolean addInto(Tensor grad, Tensor out, int input, double[] target) {
      double[] sv = scale.data;
      if (sv.length != n || target.length != n) {
        return false;
      }
      double g = grad.data[0];
      for (int i = 0; i < n; i++) {
        target[i] -= g / sv[i];
      }
      return true;
    }
  }

  /**
   * One element of the log-density, as the general loop of {@link #normal} computes it, with
   * scale {@code sv[k]} and its log {@code lv[lo + k]} (computed when {@code lv} is null).
   */
  private static double general(double x, double m, double[] sv, double[] lv, int k, int lo) {
    double sc = sv[k];
    double zi = (x - m) * (1.0 / sc);
    return -0.5 * zi * zi - (lv == null ? Math.log(sc) : lv[lo + k]) - HALF_LOG_2PI;
  }

  /** Elements per block of {@link #normalSum}: a multiple of 4, small enough for L1. */
  private static final int BLOCK = 512;

  /**
   * Adds {@code t[0 .. len)} into the partial sums {@code sums[at .. at + 4)} by position mod 4,
   * as the four-lane loops here do (a block starts at a multiple of 4; only the last is short).
   */
  private static void addByLane(double[] sums, int at, double[] t, int len) {
    double s0 = sums[at];
    double s1 = sums[at + 1];
    double s2 = sums[at + 2];
    double s3 = sums[at + 3];
    int j = 0;
    for (; j + 3 < len; j += 4) {
      s0 += t[j];
      s1 += t[j + 1];
      s2 += t[j + 2];
      s3 += t[j + 3];
    }
    for (; j < len; j++) {
      s0 += t[j];
    }
    sums[at] = s0;
    sums[at + 1] = s1;
    sums[at + 2] = s2;
    sums[at + 3] = s3;
  }

  /** The operand's data if it is one value or full-size, else its expansion to {@code s}. */
  private static double[] operand(Tensor t, Shape s) {
    return t.data.length == 1 || t.shape.equals(s) ? t.data : Strided.expand(t, s);
  }

  /** d/dx = -w, d/dloc = w, d/dscale = (z^2 - 1) / scale = z w - 1 / scale. */
  private static final class NormalBackward implements BackwardFn.Fresh {
    private final Tensor[] inputs;
    private final double[] sv;
    private final double[] z;
    private final double[] w;
    private final Shape shape; // the elementwise (broadcast) shape

    NormalBackward(
        Tensor x, Tensor loc, Tensor scale, double[] sv, double[] z, double[] w, Shape shape) {
      this.inputs = new Tensor[] {x, loc, scale};
      this.sv = sv;
      this.z = z;
      this.w = w;
      this.shape = shape;
    }

    @Override
    public Tensor apply(Tensor grad, Tensor out, int input) {
      if (Autodiff.isRecording()) {
        // createGraph: the same rule in tensor operations, itself differentiable
        Tensor zt = inputs[0].sub(inputs[1]).div(inputs[2]);
        Tensor wt = zt.div(inputs[2]);
        return switch (input) {
          case 0 -> grad.mul(wt).neg();
          case 1 -> grad.mul(wt);
          default -> grad.mul(zt.square().sub(1.0).div(inputs[2]));
        };
      }
      double[] g = grad.data;
      boolean scalarGrad = g.length == 1;
      int n = z.length;
      Tensor in = inputs[input];
      if (in.data.length == 1) {
        // A single-value operand: sum here instead of building [n] for the engine to reduce.
        double acc = switch (input) {
          case 0 -> -dot(g, w, n);
          case 1 -> dot(g, w, n);
          default -> sv.length == 1
              ? dot(g, z, w, n) - sum(g, n) / sv[0]
              : dot(g, z, w, n) - dot(g, reciprocal(sv), n);
        };
        return new Tensor(new double[] {acc}, in.shape);
      }
      double[] r = new double[n];
      switch (input) {
        case 0 -> {
          if (scalarGrad) {
            for (int i = 0; i < n; i++) {
              r[i] = -g[0] * w[i];
            }
          } else {
            for (int i = 0; i < n; i++) {
              r[i] = -g[i] * w[i];
            }
          }
        }
        case 1 -> {
          if (scalarGrad) {
            for (int i = 0; i < n; i++) {
              r[i] = g[0] * w[i];
            }
          } else {
            for (int i = 0; i < n; i++) {
              r[i] = g[i] * w[i];
            }
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            r[i] = (scalarGrad ? g[0] : g[i]) * (z[i] * w[i] - 1.0 / sv[i]);
          }
        }
      }
      return new Tensor(r, shape);
    }

    private static double[] reciprocal(double[] a) {
      double[] r = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = 1.0 / a[i];
      }
      return r;
    }
  }

  /**
   * The backward rule of {@link #normalSum}: the gradient is a single value, so each input's
   * gradient is the elementwise rule times it. With a single-value scale and full-size x and loc,
   * each input's gradient is one pass over the operands; otherwise the first input asked for
   * computes all of them in one pass, and the others are handed out from that pass.
   */
  private static final class NormalSumBackward implements BackwardFn.Fresh {
    private final Tensor[] inputs;
    private final double[] xv;
    private final double[] mv;
    private final double[] sv;
    private final Shape shape;
    private final double sumZ2;
    /** The gradient {@link #pending} was computed for, and what is left of it by input. */
    private Tensor pendingGrad;
    private final Tensor[] pending = new Tensor[3];

    NormalSumBackward(Tensor x, Tensor loc, Tensor scale, double[] xv, double[] mv, double[] sv,
        Shape shape, double sumZ2) {
      this.inputs = new Tensor[] {x, loc, scale};
      this.xv = xv;
      this.mv = mv;
      this.sv = sv;
      this.shape = shape;
      this.sumZ2 = sumZ2;
    }

    // synchronized: the pending gradients are state, and two threads may differentiate one graph
    @Override
    public synchronized Tensor apply(Tensor grad, Tensor out, int input) {
      if (Autodiff.isRecording()) {
        // createGraph: the elementwise rule in tensor operations (it reads only the inputs)
        return new NormalBackward(inputs[0], inputs[1], inputs[2], sv, null, null, shape)
            .apply(grad, out, input);
      }
      int n = shape.numel();
      Tensor in = inputs[input];
      double g = grad.data[0];
      if (!Double.isNaN(sumZ2) && (input == 2 || in.data.length == n)) {
        double inv = 1.0 / sv[0];
        if (input == 2) {
          // d/dscale = sum (z^2 - 1) / scale
          return new Tensor(new double[] {g * (sumZ2 * inv) - g * n / sv[0]}, in.shape);
        }
        if (pendingGrad == grad && pending[input] != null) {
          return take(input);
        }
        double[] r = new double[n];
        xOrLoc(grad, input, r);
        return new Tensor(r, shape);
      }
      if (pendingGrad != grad || pending[input] == null) {
        computeAll(g);
        pendingGrad = grad;
      }
      return take(input);
    }

    /**
     * With a single-value scale and full-size x and loc: adds the gradient of x or loc straight
     * into the input's buffer (the other one, when wanted, is made in the same pass).
     */
    @Override
    public synchronized boolean addInto(Tensor grad, Tensor out, int input, double[] target) {
      int n = shape.numel();
      if (Double.isNaN(sumZ2) || input == 2 || inputs[input].data.length != n
          || target.length != n) {
        return false;
      }
      if (pendingGrad == grad && pending[input] != null) {
        take(input).addTo(target);
      } else {
        xOrLoc(grad, input, target);
      }
      return true;
    }

    /**
     * Adds the gradient of x ({@code input} 0) or loc (1), with a single-value scale, into
     * {@code target}: d/dx = -g w, d/dloc = g w with w = z / scale. When the other of the two is
     * wanted too, the same pass makes it, and it is handed out when asked for.
     */
    private void xOrLoc(Tensor grad, int input, double[] target) {
      int n = target.length;
      double g = grad.data[0];
      double inv = 1.0 / sv[0];
      double f = input == 0 ? -g : g;
      int other = 1 - input;
      if (inputs[other].node() != null && inputs[other].data.length == n) {
        double[] ro = new double[n];
        for (int i = 0; i < n; i++) {
          double w = (xv[i] - mv[i]) * inv * inv;
          target[i] += f * w;
          ro[i] = -f * w;
        }
        pending[other] = new Tensor(ro, shape);
        pendingGrad = grad;
      } else {
        for (int i = 0; i < n; i++) {
          target[i] += f * ((xv[i] - mv[i]) * inv * inv);
        }
      }
    }

    /** The pending gradient of {@code input}, handed over (the engine owns it now). */
    private Tensor take(int input) {
      Tensor r = pending[input];
      pending[input] = null;
      return r;
    }

    /**
     * The gradients of all tracked inputs in one pass: d/dx = -g w, d/dloc = g w, d/dscale =
     * g (z w - 1 / scale), each summed here for a single-value input.
     */
    private void computeAll(double g) {
      int n = shape.numel();
      int xs = xv.length == 1 ? 0 : 1;
      int ms = mv.length == 1 ? 0 : 1;
      int ss = sv.length == 1 ? 0 : 1;
      boolean[] want = new boolean[3];
      boolean[] single = new boolean[3];
      for (int k = 0; k < 3; k++) {
        want[k] = inputs[k].node() != null;
        single[k] = inputs[k].data.length == 1;
      }
      double[] rx = want[0] && !single[0] ? new double[n] : null;
      double[] rm = want[1] && !single[1] ? new double[n] : null;
      double[] rs = want[2] && !single[2] ? new double[n] : null;
      boolean sumW = (want[0] && single[0]) || (want[1] && single[1]);
      boolean sumS = want[2] && single[2];
      double sw = 0;
      double szw = 0;
      double sinv = 0;
      for (int i = 0; i < n; i++) {
        double inv = 1.0 / sv[i * ss];
        double zi = (xv[i * xs] - mv[i * ms]) * inv;
        double wi = zi * inv;
        if (rx != null) {
          rx[i] = -g * wi;
        }
        if (rm != null) {
          rm[i] = g * wi;
        }
        if (rs != null) {
          rs[i] = g * (zi * wi - inv);
        }
        if (sumW) {
          sw += wi;
        }
        if (sumS) {
          szw += zi * wi;
          sinv += inv;
        }
      }
      pending[0] = !want[0] ? null
          : single[0] ? new Tensor(new double[] {-g * sw}, inputs[0].shape) : new Tensor(rx, shape);
      pending[1] = !want[1] ? null
          : single[1] ? new Tensor(new double[] {g * sw}, inputs[1].shape) : new Tensor(rm, shape);
      pending[2] = !want[2] ? null
          : single[2] ? new Tensor(new double[] {g * szw - g * sinv}, inputs[2].shape)
          : new Tensor(rs, shape);
    }
  }

  // Sums with four accumulators: one accumulator is a chain of dependent adds (floating-point
  // adds cannot be reordered by the JIT); four keep the adder busy. g may be a single value.

  /** {@code sum_i g_i a_i} over n elements. */
  static double dot(double[] g, double[] a, int n) {
    if (g.length == 1) {
      return g[0] * sum(a, n);
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += g[i] * a[i];
      s1 += g[i + 1] * a[i + 1];
      s2 += g[i + 2] * a[i + 2];
      s3 += g[i + 3] * a[i + 3];
    }
    for (; i < n; i++) {
      s0 += g[i] * a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code sum_i g_i a_i b_i} over n elements. */
  static double dot(double[] g, double[] a, double[] b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    boolean one = g.length == 1;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += (one ? g[0] : g[i]) * a[i] * b[i];
      s1 += (one ? g[0] : g[i + 1]) * a[i + 1] * b[i + 1];
      s2 += (one ? g[0] : g[i + 2]) * a[i + 2] * b[i + 2];
      s3 += (one ? g[0] : g[i + 3]) * a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += (one ? g[0] : g[i]) * a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code sum_i a_(from + i)} over n elements, with four accumulators. */
  static double sum(double[] a, int from, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    int end = from + n;
    for (; i + 3 < end; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < end; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code sum_i a_i} over n elements (a single value counts n times). */
  static double sum(double[] a, int n) {
    return a.length == 1 ? a[0] * n : sum(a, 0, n);
  }
}
