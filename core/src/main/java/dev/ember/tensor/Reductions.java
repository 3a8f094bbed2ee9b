// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;

/**
 * Reductions over one axis or over all elements, with their backward rules. A tensor reduced over
 * {@code axis} is viewed as {@code [outer, n, inner]} and reduced over the middle.
 */
final class Reductions {
  private Reductions() {}

  /** The input's shape with {@code axis} removed, or kept with size 1. */
  private static Shape reduced(Shape s, int axis, boolean keep) {
    int[] d = s.dims;
    int[] r = new int[keep ? d.length : d.length - 1];
    for (int i = 0, j = 0; i < d.length; i++) {
      if (i != axis) {
        r[j++] = d[i];
      } else if (keep) {
        r[j++] = 1;
      }
    }
    return Shape.wrap(r);
  }

  private static int outer(Shape s, int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= s.dims[i];
    }
    return n;
  }

  private static int inner(Shape s, int axis) {
    int n = 1;
    for (int i = axis + 1; i < s.dims.length; i++) {
      n *= s.dims[i];
    }
    return n;
  }

  /** Reshapes a reduced gradient so it broadcasts against the input. */
  private static Tensor kept(Tensor g, Shape in, int axis) {
    return g.reshape(reduced(in, axis, true));
  }

  static Tensor sumAll(Tensor a) {
    // four independent partial sums: the adds pipeline instead of waiting on each other
    Tensor out = Tensor.scalar(FusedDensities.sum(a.flat(), a.flatOffset(), a.size()));
    return a.node() == null ? out
        : Autodiff.op(out, "sum", (g, grads) -> grads.add(0, g.broadcastTo(a.shape)), a);
  }

  static Tensor sum(Tensor a, int axisArg, boolean keep) {
    int axis = a.shape.axis(axisArg, "sum");
    int outer = outer(a.shape, axis);
    int n = a.shape.dims[axis];
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      int ro = o * inner;
      for (int k = 0; k < n; k++) {
        int xo = (o * n + k) * inner;
        for (int j = 0; j < inner; j++) {
          r[ro + j] += x[xo + j];
        }
      }
    }
    Tensor out = new Tensor(r, reduced(a.shape, axis, keep));
    return a.node() == null
        ? out
        : Autodiff.op(out, "sum",
            (g, grads) -> grads.add(0, kept(g, a.shape, axis).broadcastTo(a.shape)), a);
  }

  static Tensor sumTo(Tensor a, Shape target) {
    if (a.shape.equals(target)) {
      return a;
    }
    if (!target.broadcastsTo(a.shape)) {
      throw new IllegalArgumentException(
          "sumTo: shape " + a.shape + " cannot be summed to " + target
              + " (the target must broadcast to the input)");
    }
    double[] r = new double[target.numel()];
    Strided.scatterAdd(a, null, 0, Strided.broadcastStrides(target.dims, a.shape.dims), r);
    Tensor out = new Tensor(r, target);
    return a.node() == null ? out
        : Autodiff.op(out, "sumTo", (g, grads) -> grads.add(0, g.broadcastTo(a.shape)), a);
  }

  /**
   * {@code a.mul(b).sumTo(target)}; for a one-element target and operands of one shape, a dot
   * product, without the product as a tensor (the gradient of a single-value factor of a larger
   * product), recorded or not: the same sum in the same order either way, so that a value
   * computed under {@code noGrad} is the recorded one exactly.
   */
  static Tensor mulSumTo(Tensor a, Tensor b, Shape target) {
    if (target.numel() == 1 && a.shape.equals(b.shape) && target.broadcastsTo(a.shape)) {
      Tensor out = new Tensor(new double[] {FusedDensities.dot(a, b)}, target);
      // d/da = g b, d/db = g a, the one-value gradient read at every position
      return Autodiff.op(out, "mulSumTo", (g, grads) -> {
        grads.addProduct(0, g, b);
        grads.addProduct(1, g, a);
      }, a, b);
    }
    return a.mul(b).sumTo(target);
  }

  static Tensor prod(Tensor a, int axisArg, boolean keep) {
    int axis = a.shape.axis(axisArg, "prod");
    int outer = outer(a.shape, axis);
    int n = a.shape.dims[axis];
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[outer * inner];
    java.util.Arrays.fill(r, 1.0);
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < inner; j++) {
          r[o * inner + j] *= x[(o * n + k) * inner + j];
        }
      }
    }
    Tensor out = new Tensor(r, reduced(a.shape, axis, keep));
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(
        out,
        "prod",
        (g, grads) -> {
          grads.requireFirstOrder("prod");
          // d prod / d x_k = product of the others, from prefix and suffix products (exact with
          // zeros, unlike prod / x_k)
          double[] others = new double[a.size()];
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
              double p = 1.0;
              for (int k = 0; k < n; k++) {
                int idx = (o * n + k) * inner + j;
                others[idx] = p;
                p *= x[idx];
              }
              p = 1.0;
              for (int k = n - 1; k >= 0; k--) {
                int idx = (o * n + k) * inner + j;
                others[idx] *= p;
                p *= x[idx];
              }
            }
          }
          grads.addProduct(0, kept(g, a.shape, axis), new Tensor(others, a.shape));
        },
        a);
  }

  static Tensor extreme(Tensor a, int axisArg, boolean keep, boolean max) {
    int axis = a.shape.axis(axisArg, max ? "max" : "min");
    int n = a.shape.dims[axis];
    String name = max ? "max" : "min";
    if (n == 0) {
      throw new IllegalArgumentException(name + ": axis " + axisArg + " of " + a.shape + " is empty");
    }
    int outer = outer(a.shape, axis);
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double m = x[o * n * inner + j];
        for (int k = 1; k < n; k++) {
          double v = x[(o * n + k) * inner + j];
          m = max ? Math.max(m, v) : Math.min(m, v);
        }
        r[o * inner + j] = m;
      }
    }
    Tensor out = new Tensor(r, reduced(a.shape, axis, keep));
    if (a.node() == null) {
      return out;
    }
    // the gradient goes to the arg-extremes, split evenly among ties
    return Autodiff.op(
        out,
        name,
        (g, grads) -> {
          Tensor hit = a.detach().eq(kept(grads.output().detach(), a.shape, axis)).toFloat();
          grads.addProduct(0, kept(g, a.shape, axis), hit.div(hit.sum(axis, true)));
        },
        a);
  }

  static Tensor logSumExp(Tensor a, int axisArg, boolean keep) {
    int axis = a.shape.axis(axisArg, "logSumExp");
    int outer = outer(a.shape, axis);
    int n = a.shape.dims[axis];
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
          m = Math.max(m, x[(o * n + k) * inner + j]);
        }
        if (Double.isInfinite(m)) {
          r[o * inner + j] = m; // all -inf gives -inf; any +inf gives +inf
          continue;
        }
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += Math.exp(x[(o * n + k) * inner + j] - m);
        }
        r[o * inner + j] = m + Math.log(s);
      }
    }
    Tensor out = new Tensor(r, reduced(a.shape, axis, keep));
    if (a.node() == null) {
      return out;
    }
    // the softmax exp(a - m) / sum exp(a - m) with the row maximum m held constant: exp(a - z)
    // would carry the rounding of a large z (ulp(1000) = 1.1e-13) into every weight
    return Autodiff.op(
        out,
        "logSumExp",
        (g, grads) -> {
          if (n == 0) {
            return; // an empty axis: nothing to differentiate
          }
          Tensor m = extreme(a.detach(), axis, true, true);
          m = Tensor.where(m.isFinite(), m, Tensor.scalar(0.0)); // all -inf: no shift
          Tensor e = a.sub(m).exp();
          grads.addProduct(0, kept(g, a.shape, axis), e.div(e.sum(axis, true)));
        },
        a);
  }

  static Tensor cumsum(Tensor a, int axisArg) {
    int axis = a.shape.axis(axisArg, "cumsum");
    int outer = outer(a.shape, axis);
    int n = a.shape.dims[axis];
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          int idx = (o * n + k) * inner + j;
          s += x[idx];
          r[idx] = s;
        }
      }
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null
        ? out
        : Autodiff.op(
            out, "cumsum", (g, grads) -> grads.add(0, g.flip(axis).cumsum(axis).flip(axis)), a);
  }

  static Tensor argmax(Tensor a, int axisArg) {
    int axis = a.shape.axis(axisArg, "argmax");
    int outer = outer(a.shape, axis);
    int n = a.shape.dims[axis];
    int inner = inner(a.shape, axis);
    double[] x = a.readDense();
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int best = 0;
        for (int k = 1; k < n; k++) {
          if (x[(o * n + k) * inner + j] > x[(o * n + best) * inner + j]) {
            best = k;
          }
        }
        r[o * inner + j] = best;
      }
    }
    return new Tensor(r, reduced(a.shape, axis, false));
  }
}
