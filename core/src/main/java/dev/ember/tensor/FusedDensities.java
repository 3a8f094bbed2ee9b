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
      for (int i = 0; i < n; i++) {
        double sc = sv[i * ss];
        double inv = 1.0 / sc;
        double zi = (xv[i * xs] - mv[i * ms]) * inv;
        if (tracked) {
          z[i] = zi;
          w[i] = zi * inv;
        }
        r[i] = -0.5 * zi * zi - Math.log(sc) - HALF_LOG_2PI;
      }
    }
    Tensor out = new Tensor(r, s);
    if (!tracked) {
      return out;
    }
    return Autodiff.op(out, "normal log-density", new NormalBackward(x, loc, scale, sv, z, w),
        x, loc, scale);
  }

  /** The operand's data if it is one value or full-size, else its expansion to {@code s}. */
  private static double[] operand(Tensor t, Shape s) {
    return t.data.length == 1 || t.shape.equals(s) ? t.data : Strided.expand(t, s);
  }

  /** d/dx = -w, d/dloc = w, d/dscale = (z^2 - 1) / scale = z w - 1 / scale. */
  private static final class NormalBackward implements BackwardFn {
    private final Tensor[] inputs;
    private final double[] sv;
    private final double[] z;
    private final double[] w;

    NormalBackward(Tensor x, Tensor loc, Tensor scale, double[] sv, double[] z, double[] w) {
      this.inputs = new Tensor[] {x, loc, scale};
      this.sv = sv;
      this.z = z;
      this.w = w;
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
      return new Tensor(r, out.shape);
    }

    private static double[] reciprocal(double[] a) {
      double[] r = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = 1.0 / a[i];
      }
      return r;
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

  /** {@code sum_i a_i} over n elements (a single value counts n times). */
  static double sum(double[] a, int n) {
    if (a.length == 1) {
      return a[0] * n;
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
