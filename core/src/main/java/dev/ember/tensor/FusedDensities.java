// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;

/**
 * Log-densities computed in one pass, with backward rules that make one pass per input: the hot
 * path of SVI over long series, where the same formula written as separate tensor operations
 * allocates and traverses a full-size array per operation, forward and backward.
 *
 * <pre>{@code
 * Tensor lp = FusedDensities.normal(x, loc, scale); // == -((x-loc)/scale)^2/2 - log(scale) - log(2 pi)/2
 * }</pre>
 *
 * <p>Operands broadcast; one that is neither a single value nor the full result shape is expanded
 * first. Under {@code createGraph} the backward rules are the same formulas written with tensor
 * operations, so second derivatives stay exact.
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
    int xs = xv.length == 1 ? 0 : 1;
    int ms = mv.length == 1 ? 0 : 1;
    int ss = sv.length == 1 ? 0 : 1;
    double[] r = new double[n];
    if (ss == 0) {
      double inv = 1.0 / sv[0];
      double c = -Math.log(sv[0]) - HALF_LOG_2PI;
      for (int i = 0; i < n; i++) {
        double z = (xv[i * xs] - mv[i * ms]) * inv;
        r[i] = -0.5 * z * z + c;
      }
    } else {
      for (int i = 0; i < n; i++) {
        double sc = sv[i];
        double z = (xv[i * xs] - mv[i * ms]) / sc;
        r[i] = -0.5 * z * z - Math.log(sc) - HALF_LOG_2PI;
      }
    }
    Tensor out = new Tensor(r, s);
    if (x.node() == null && loc.node() == null && scale.node() == null) {
      return out;
    }
    NormalBackward rule = new NormalBackward(x, loc, scale, xv, mv, sv, s);
    return Autodiff.op(out, "normal log-density", rule, x, loc, scale);
  }

  /** The operand's data if it is one value or full-size, else its expansion to {@code s}. */
  private static double[] operand(Tensor t, Shape s) {
    return t.data.length == 1 || t.shape.equals(s) ? t.data : Strided.expand(t, s);
  }

  /**
   * d/dx = -w, d/dloc = w, d/dscale = (z^2 - 1) / scale with z = (x - loc) / scale and w = z /
   * scale; w and z are computed once, on the first input's call.
   */
  private static final class NormalBackward implements dev.ember.autodiff.BackwardFn {
    private final Tensor x;
    private final Tensor loc;
    private final Tensor scale;
    private final double[] xv;
    private final double[] mv;
    private final double[] sv;
    private final Shape shape;
    private double[] z; // [n], (x - loc) / scale
    private double[] w; // [n], z / scale

    NormalBackward(Tensor x, Tensor loc, Tensor scale, double[] xv, double[] mv, double[] sv,
        Shape shape) {
      this.x = x;
      this.loc = loc;
      this.scale = scale;
      this.xv = xv;
      this.mv = mv;
      this.sv = sv;
      this.shape = shape;
    }

    @Override
    public Tensor apply(Tensor grad, Tensor out, int input) {
      if (Autodiff.isRecording()) {
        // createGraph: the same rule in tensor operations, itself differentiable
        Tensor zt = x.sub(loc).div(scale);
        Tensor wt = zt.div(scale);
        return switch (input) {
          case 0 -> grad.mul(wt).neg();
          case 1 -> grad.mul(wt);
          default -> grad.mul(zt.square().sub(1.0).div(scale));
        };
      }
      standardize();
      double[] g = grad.data;
      int gs = g.length == 1 ? 0 : 1;
      int n = shape.numel();
      double[] r = new double[n];
      switch (input) {
        case 0 -> {
          for (int i = 0; i < n; i++) {
            r[i] = -g[i * gs] * w[i];
          }
        }
        case 1 -> {
          for (int i = 0; i < n; i++) {
            r[i] = g[i * gs] * w[i];
          }
        }
        default -> {
          int ss = sv.length == 1 ? 0 : 1;
          for (int i = 0; i < n; i++) {
            r[i] = g[i * gs] * (z[i] * z[i] - 1.0) / sv[i * ss];
          }
        }
      }
      return new Tensor(r, shape);
    }

    private void standardize() {
      if (z != null) {
        return;
      }
      int n = shape.numel();
      int xs = xv.length == 1 ? 0 : 1;
      int ms = mv.length == 1 ? 0 : 1;
      int ss = sv.length == 1 ? 0 : 1;
      z = new double[n];
      w = new double[n];
      for (int i = 0; i < n; i++) {
        double inv = 1.0 / sv[i * ss];
        double zi = (xv[i * xs] - mv[i * ms]) * inv;
        z[i] = zi;
        w[i] = zi * inv;
      }
    }
  }
}
