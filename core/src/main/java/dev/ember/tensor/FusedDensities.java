// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.Gradients;

/**
 * Log-densities computed in one pass, with backward rules that make one pass for all inputs: the
 * hot path of SVI over long series, where the same formula written as separate tensor operations
 * allocates and traverses a full-size array per operation, forward and backward.
 *
 * <pre>{@code
 * Tensor lp = FusedDensities.normal(x, loc, scale); // -((x - loc) / scale)^2 / 2 - log(scale) - log(2 pi) / 2
 * }</pre>
 *
 * <p>Operands broadcast and are read where they lie (a slice or a row of a larger tensor is not
 * copied); one that is neither a single value nor a contiguous run of the result's shape is
 * gathered first. The gradient of a single-value operand is summed in the backward pass itself
 * rather than materialized at full size. Under {@code createGraph} the backward rules are the
 * same formulas written with tensor operations, so second derivatives stay exact.
 */
public final class FusedDensities {
  private FusedDensities() {}

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private static Shape shapeOf(Tensor x, Tensor loc, Tensor scale) {
    return Shape.broadcast(Shape.broadcast(x.shape, loc.shape, "normal log-density"),
        scale.shape, "normal log-density");
  }

  /**
   * The elementwise Normal log-density {@code log N(x; loc, scale)}, of the broadcast shape.
   * Parameters are not validated here (the distribution does that).
   */
  public static Tensor normal(Tensor x, Tensor loc, Tensor scale) {
    Shape s = shapeOf(x, loc, scale);
    int n = s.numel();
    Elementwise.Run xv = Elementwise.Run.of(x, s);
    Elementwise.Run mv = Elementwise.Run.of(loc, s);
    Elementwise.Run sv = Elementwise.Run.of(scale, s);
    double[] r = new double[n];
    if (sv.step() == 0 && xv.step() == 1 && mv.step() == 1) {
      double[] xa = xv.a();
      double[] ma = mv.a();
      int xo = xv.o();
      int mo = mv.o();
      double sc = sv.at(0);
      double inv = 1.0 / sc;
      double c = -Math.log(sc) - HALF_LOG_2PI;
      for (int i = 0; i < n; i++) {
        double zi = (xa[xo + i] - ma[mo + i]) * inv;
        r[i] = -0.5 * zi * zi + c;
      }
    } else {
      for (int i = 0; i < n; i++) {
        double sc = sv.at(i);
        double zi = (xv.at(i) - mv.at(i)) * (1.0 / sc);
        r[i] = -0.5 * zi * zi - Math.log(sc) - HALF_LOG_2PI;
      }
    }
    Tensor out = new Tensor(r, s);
    if (x.node() == null && loc.node() == null && scale.node() == null) {
      return out;
    }
    // d/dx = -g w, d/dloc = g w, d/dscale = g (z w - 1 / scale), with z = (x - loc) / scale and
    // w = z / scale: all three from one pass over the operands
    return Autodiff.op(out, "normal log-density",
        (g, grads) -> normalGradients(x, loc, scale, s, g, grads), x, loc, scale);
  }

  /**
   * The sum over all elements of {@link #normal}, a scalar: the term a Normal site adds to a log
   * joint. Nothing of the elementwise size is kept for the backward pass: the gradients are
   * recomputed from the operands, which costs less than writing intermediates and reading them
   * back. The value is the sum of {@link #normal}'s elements in {@link Tensor#sum()}'s order.
   *
   * <pre>{@code
   * Tensor lp = FusedDensities.normalSum(x, loc, scale); // FusedDensities.normal(x, loc, scale).sum()
   * }</pre>
   */
  public static Tensor normalSum(Tensor x, Tensor loc, Tensor scale) {
    Shape s = shapeOf(x, loc, scale);
    int n = s.numel();
    Elementwise.Run xv = Elementwise.Run.of(x, s);
    Elementwise.Run mv = Elementwise.Run.of(loc, s);
    Elementwise.Run sv = Elementwise.Run.of(scale, s);
    // Blocks of terms, each computed in a loop the JIT vectorizes and then added into four
    // partial sums by position mod 4, the order of Tensor.sum, so the value is the same.
    double[] sums = new double[4];
    double[] terms = new double[Math.min(BLOCK, n)];
    boolean sharedScale = sv.step() == 0 && xv.step() == 1 && mv.step() == 1;
    double inv = sharedScale ? 1.0 / sv.at(0) : Double.NaN;
    double c = sharedScale ? -Math.log(sv.at(0)) - HALF_LOG_2PI : Double.NaN;
    for (int b = 0; b < n; b += BLOCK) {
      int len = Math.min(BLOCK, n - b);
      if (sharedScale) {
        double[] xa = xv.a();
        double[] ma = mv.a();
        int xo = xv.o() + b;
        int mo = mv.o() + b;
        for (int j = 0; j < len; j++) {
          double zi = (xa[xo + j] - ma[mo + j]) * inv;
          terms[j] = -0.5 * zi * zi + c;
        }
      } else if (xv.step() == 1 && mv.step() == 1 && sv.step() == 1) {
        double[] xa = xv.a();
        double[] ma = mv.a();
        double[] sa = sv.a();
        int xo = xv.o() + b;
        int mo = mv.o() + b;
        int so = sv.o() + b;
        for (int j = 0; j < len; j++) {
          double sc = sa[so + j];
          double zi = (xa[xo + j] - ma[mo + j]) * (1.0 / sc);
          terms[j] = -0.5 * zi * zi - Math.log(sc) - HALF_LOG_2PI;
        }
      } else {
        for (int j = 0; j < len; j++) {
          int k = b + j;
          double sc = sv.at(k);
          double zi = (xv.at(k) - mv.at(k)) * (1.0 / sc);
          terms[j] = -0.5 * zi * zi - Math.log(sc) - HALF_LOG_2PI;
        }
      }
      addByLane(sums, terms, len);
    }
    Tensor out = Tensor.scalar((sums[0] + sums[1]) + (sums[2] + sums[3]));
    if (x.node() == null && loc.node() == null && scale.node() == null) {
      return out;
    }
    return Autodiff.op(out, "normal log-density sum",
        (g, grads) -> normalGradients(x, loc, scale, s, g, grads), x, loc, scale);
  }

  /**
   * {@link #normalSum} over the elements where a boolean {@code mask} (broadcasting to the
   * operands' shape) is true, in one pass: what a masked Normal site adds to a log joint ({@code
   * Normal.of(loc, scale).mask(m)}). The masked-out elements are not read into the sum nor given a
   * gradient, so padding may hold anything (NaN included), as with the masked density's selection
   * of a point of the support. The gradients are those of {@link #normalSum} where the mask is
   * true and 0 elsewhere (summed for a single-value operand), from a scalar upstream gradient: no
   * elementwise density, selection or gradient of the selection is made.
   *
   * <pre>{@code
   * Tensor lp = FusedDensities.normalSum(y, z, tau, observed);
   * // == Tensor.where(observed, FusedDensities.normal(y, z, tau), 0).sum() where y is finite
   * }</pre>
   *
   * @throws IllegalArgumentException if the operands do not broadcast together, or the mask is
   *     not a boolean tensor that broadcasts to their shape
   */
  public static Tensor normalSum(Tensor x, Tensor loc, Tensor scale, Tensor mask) {
    Shape s = shapeOf(x, loc, scale);
    if (!mask.isBool() || !mask.shape.broadcastsTo(s)) {
      throw new IllegalArgumentException("normal log-density: the mask must be a boolean tensor "
          + "that broadcasts to " + s + ", but got dtype " + mask.dtype() + " of shape "
          + mask.shape);
    }
    int n = s.numel();
    Elementwise.Run xv = Elementwise.Run.of(x, s);
    Elementwise.Run mv = Elementwise.Run.of(loc, s);
    Elementwise.Run sv = Elementwise.Run.of(scale, s);
    Elementwise.Run kv = Elementwise.Run.of(mask, s);
    double[] xa = xv.a();
    double[] ma = mv.a();
    double[] sa = sv.a();
    double[] ka = kv.a();
    int xo = xv.o();
    int mo = mv.o();
    int so = sv.o();
    int ko = kv.o();
    int xs = xv.step();
    int ms = mv.step();
    int ss = sv.step();
    int ks = kv.step();
    double squares = 0;
    double logs = 0;
    int count = 0;
    if (ss == 0) { // one shared scale: its log once
      double inv = 1.0 / sa[so];
      for (int i = 0; i < n; i++) {
        if (ka[ko + i * ks] != 0.0) {
          double z = (xa[xo + i * xs] - ma[mo + i * ms]) * inv;
          squares += z * z;
          count++;
        }
      }
      logs = count * Math.log(sa[so]);
    } else {
      for (int i = 0; i < n; i++) {
        if (ka[ko + i * ks] != 0.0) {
          double sc = sa[so + i];
          double z = (xa[xo + i * xs] - ma[mo + i * ms]) * (1.0 / sc);
          squares += z * z;
          logs += Math.log(sc);
          count++;
        }
      }
    }
    Tensor out = Tensor.scalar(-0.5 * squares - logs - count * HALF_LOG_2PI);
    if (x.node() == null && loc.node() == null && scale.node() == null) {
      return out;
    }
    return Autodiff.op(out, "masked normal log-density sum",
        (g, grads) -> maskedNormalGradients(x, loc, scale, mask, s, g, grads), x, loc, scale);
  }

  /**
   * The gradients of {@link #normalSum(Tensor, Tensor, Tensor, Tensor)}: {@link #normalGradients}'
   * where the mask is true, 0 elsewhere, from one pass over the operands.
   */
  private static void maskedNormalGradients(Tensor x, Tensor loc, Tensor scale, Tensor mask,
      Shape s, Tensor grad, Gradients grads) {
    if (grads.isRecorded()) {
      // createGraph: the same rule in tensor operations, itself differentiable, on operands whose
      // masked-out elements are replaced first (0, 0 and 1), so that no NaN of the padding
      // reaches a derivative through the selections
      Tensor zero = Tensor.scalar(0.0);
      Tensor xs = Tensor.where(mask, x, zero);
      Tensor ls = Tensor.where(mask, loc, zero);
      Tensor ss = Tensor.where(mask, scale, Tensor.scalar(1.0));
      Tensor zt = xs.sub(ls).div(ss);
      Tensor wt = zt.div(ss);
      grads.add(0, Tensor.where(mask, grad.mul(wt).neg(), zero));
      grads.add(1, Tensor.where(mask, grad.mul(wt), zero));
      grads.add(2, Tensor.where(mask, grad.mul(zt.square().sub(1.0).div(ss)), zero));
      return;
    }
    int n = s.numel();
    Elementwise.Run xv = Elementwise.Run.of(x, s);
    Elementwise.Run mv = Elementwise.Run.of(loc, s);
    Elementwise.Run sv = Elementwise.Run.of(scale, s);
    Elementwise.Run kv = Elementwise.Run.of(mask, s);
    boolean[] single = {x.size() == 1, loc.size() == 1, scale.size() == 1};
    double[] rx = grads.wants(0) && !single[0] ? new double[n] : null;
    double[] rm = grads.wants(1) && !single[1] ? new double[n] : null;
    double[] rs = grads.wants(2) && !single[2] ? new double[n] : null;
    double[] xa = xv.a();
    double[] ma = mv.a();
    double[] sa = sv.a();
    double[] ka = kv.a();
    int xo = xv.o();
    int mo = mv.o();
    int so = sv.o();
    int ko = kv.o();
    int xs = xv.step();
    int ms = mv.step();
    int ss = sv.step();
    int ks = kv.step();
    double g = grad.item();
    double sw = 0; // sum of g w, for a single-value x or loc
    double sd = 0; // sum of g (z w - 1 / scale), for a single-value scale
    boolean sumW = (grads.wants(0) && single[0]) || (grads.wants(1) && single[1]);
    boolean sumD = grads.wants(2) && single[2];
    double shared = ss == 0 ? 1.0 / sa[so] : Double.NaN; // one scale: 1 / scale once
    for (int i = 0; i < n; i++) {
      if (ka[ko + i * ks] == 0.0) {
        continue; // the new arrays hold 0 there
      }
      double inv = ss == 0 ? shared : 1.0 / sa[so + i];
      double z = (xa[xo + i * xs] - ma[mo + i * ms]) * inv;
      double w = z * inv;
      if (rx != null) {
        rx[i] = -g * w;
      }
      if (rm != null) {
        rm[i] = g * w;
      }
      if (rs != null) {
        rs[i] = g * (z * w - inv);
      }
      if (sumW) {
        sw += g * w;
      }
      if (sumD) {
        sd += g * (z * w - inv);
      }
    }
    if (grads.wants(0)) {
      handOver(grads, 0, single[0] ? null : rx, -sw, x.shape, s);
    }
    if (grads.wants(1)) {
      handOver(grads, 1, single[1] ? null : rm, sw, loc.shape, s);
    }
    if (grads.wants(2)) {
      handOver(grads, 2, single[2] ? null : rs, sd, scale.shape, s);
    }
  }

  /**
   * The sum of {@code log N(x; loc, scale)} over a reparameterized draw {@code x = loc + scale *
   * noise} of that same Normal, as a function of the noise and the scale: {@code sum(-noise^2 / 2
   * - log scale - log(2 pi) / 2)}. For fixed noise this is the density at the draw as a function
   * of {@code (loc, scale)}, exactly, so its derivatives with respect to anything the draw's
   * parameters depend on are those of the density at the draw taken through {@code x}: the paths
   * through {@code x} and {@code loc} cancel ({@code -w} and {@code +w}) and are not computed. The
   * gradient goes to {@code scale} alone, {@code -g / scale}, one pass or one value. The sum of
   * the logs is taken from products of the mantissas ({@link #sumOfLogs}), one log per block.
   *
   * <p>The draw is not an input, so it gets no gradient from this term: use it where the caller
   * holds the draw's noise explicitly (a distribution's {@code logProbSum(value,
   * intermediates)}), never in place of the density of a value. The noise is an input: a tracked
   * noise gets {@code -g noise}, the derivative of {@code -noise^2 / 2} (which is also the
   * density's derivative through a draw that moves with the noise).
   *
   * <pre>{@code
   * Tensor noise = Samplers.normal(key, loc.shape());
   * Tensor x = noise.mulAdd(scale, loc);                      // the draw
   * Tensor lp = FusedDensities.normalSumAtDraw(noise, scale); // == normalSum(x, loc, scale)
   * }</pre>
   *
   * @param noise the standard normal draws, of the draw's shape
   * @param scale one value, or of the noise's shape
   * @throws IllegalArgumentException if the scale is neither one value nor of the noise's shape
   */
  public static Tensor normalSumAtDraw(Tensor noise, Tensor scale) {
    Shape s = noise.shape;
    requireOneOrShapeOf(scale, "scale", s);
    int n = s.numel();
    double sumSquares = dot(noise, noise);
    double sumLogScale = scale.size() == 1 ? n * Math.log(scale.item()) : sumOfLogs(scale);
    Tensor out = Tensor.scalar(-0.5 * sumSquares - sumLogScale - n * HALF_LOG_2PI);
    if (scale.node() == null && noise.node() == null) {
      return out;
    }
    return Autodiff.op(out, "normal log-density sum at a draw", (g, grads) -> {
      noiseGradient(noise, g, grads);
      if (!grads.wants(0)) {
        return;
      }
      if (grads.isRecorded()) {
        // createGraph: the same rule in tensor operations, itself differentiable
        Tensor r = g.neg().div(scale);
        grads.add(0, scale.size() == 1 ? r.mul((double) n) : r);
        return;
      }
      double gv = g.item();
      if (scale.size() == 1) {
        grads.add(0, Tensor.scalar(-gv * n / scale.item()).reshape(scale.shape));
        return;
      }
      double[] sv = scale.flat();
      int so = scale.flatOffset();
      grads.addComputed(0, (r, from, accumulate) -> {
        if (accumulate) {
          for (int i = 0; i < n; i++) {
            r[from + i] -= gv / sv[so + i];
          }
        } else {
          for (int i = 0; i < n; i++) {
            r[from + i] = -gv / sv[so + i];
          }
        }
      });
    }, scale, noise);
  }

  /**
   * {@link #normalSumAtDraw} and {@link #normalSumAtDrawOfLogScale} over the elements where a
   * boolean {@code mask} of the noise's shape is true, in one pass: the density at its own draw
   * of a masked Normal ({@code Normal.of(loc, scale).mask(m)}), whose padded elements are neither
   * read nor given a gradient. With {@code logSpace} the scale operand is the scale's log
   * ({@link Tensor#keptLog}) and its gradient is {@code -g} where the mask is true; else it is the
   * scale and its gradient {@code -g / scale} there (for one shared value, the sums of those over
   * the true elements). A tracked noise gets {@code -g noise} where the mask is true.
   *
   * <pre>{@code
   * Tensor lp = FusedDensities.normalSumAtDraw(noise, u, observed, true);
   * // == Tensor.where(observed, noise.square().mul(-0.5).sub(u).sub(0.5 * log(2 pi)), 0).sum()
   * }</pre>
   *
   * @param noise the standard normal draws, of the draw's shape
   * @param scale the scale, or with {@code logSpace} its log: one value, or of the noise's shape
   * @param mask a boolean tensor of the noise's shape (any layout)
   * @param logSpace whether {@code scale} is the scale's log
   * @throws IllegalArgumentException if the scale is neither one value nor of the noise's shape,
   *     or the mask is not a boolean tensor of the noise's shape
   */
  public static Tensor normalSumAtDraw(Tensor noise, Tensor scale, Tensor mask,
      boolean logSpace) {
    Shape s = noise.shape;
    requireOneOrShapeOf(scale, logSpace ? "log-scale" : "scale", s);
    if (!mask.isBool() || !mask.shape.equals(s)) {
      throw new IllegalArgumentException("normal log-density at a draw: the mask must be a "
          + "boolean tensor of the noise's shape " + s + ", but got dtype " + mask.dtype()
          + " of shape " + mask.shape);
    }
    int n = s.numel();
    double[] e = noise.flat();
    int eo = noise.flatOffset();
    double[] m = mask.flat();
    int mo = mask.flatOffset();
    boolean shared = scale.size() == 1;
    double[] sc = shared ? null : scale.flat();
    int so = shared ? 0 : scale.flatOffset();
    double sumSquares = 0;
    double sumLog = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (m[mo + i] != 0.0) {
        sumSquares += e[eo + i] * e[eo + i];
        count++;
        if (!shared) {
          sumLog += logSpace ? sc[so + i] : Math.log(sc[so + i]);
        }
      }
    }
    if (shared) {
      sumLog = count * (logSpace ? scale.item() : Math.log(scale.item()));
    }
    Tensor out = Tensor.scalar(-0.5 * sumSquares - sumLog - count * HALF_LOG_2PI);
    if (scale.node() == null && noise.node() == null) {
      return out;
    }
    int k = count;
    return Autodiff.op(out, "masked normal log-density sum at a draw", (g, grads) -> {
      if (grads.isRecorded()) {
        // createGraph: the same rule in tensor operations, itself differentiable
        Tensor zero = Tensor.scalar(0.0);
        if (grads.wants(1)) {
          grads.add(1, Tensor.where(mask, g.mul(noise).neg(), zero));
        }
        if (grads.wants(0)) {
          Tensor r = logSpace ? g.neg() : g.neg().div(scale);
          grads.add(0, shared ? r.mul((double) k).reshape(scale.shape)
              : Tensor.where(mask, r.broadcastTo(s), zero));
        }
        return;
      }
      // the operands read again, as every rule here reads them: a write since the forward pass
      // makes them stale and fails loudly
      double gv = g.item();
      double[] km = mask.flat();
      int ko = mask.flatOffset();
      if (grads.wants(1)) {
        double[] ev = noise.flat();
        int evo = noise.flatOffset();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
          r[i] = km[ko + i] != 0.0 ? -gv * ev[evo + i] : 0.0;
        }
        grads.add(1, OwnedBuffer.wrap(r, s));
      }
      if (!grads.wants(0)) {
        return;
      }
      if (shared) {
        double per = logSpace ? -gv : -gv / scale.item();
        grads.add(0, Tensor.scalar(per * k).reshape(scale.shape));
        return;
      }
      double[] sv = logSpace ? null : scale.flat();
      int svo = logSpace ? 0 : scale.flatOffset();
      grads.addComputed(0, (r, from, accumulate) -> {
        for (int i = 0; i < n; i++) {
          double d = km[ko + i] == 0.0 ? 0.0 : logSpace ? -gv : -gv / sv[svo + i];
          r[from + i] = accumulate ? r[from + i] + d : d;
        }
      });
    }, scale, noise);
  }

  /** Refuses a density-at-a-draw operand that is neither one value nor of the noise's shape. */
  private static void requireOneOrShapeOf(Tensor t, String what, Shape noise) {
    if (t.size() != 1 && !t.shape.equals(noise)) {
      throw new IllegalArgumentException("normal log-density at a draw: the " + what
          + " has shape " + t.shape + " but the noise has shape " + noise
          + "; it must be one value or the same shape");
    }
  }

  /** The gradient of {@code -noise^2 / 2} summed, {@code -g noise}, to input 1 if it is wanted. */
  private static void noiseGradient(Tensor noise, Tensor g, Gradients grads) {
    if (grads.wants(1)) {
      grads.add(1, grads.isRecorded() ? g.mul(noise).neg() : noise.mul(-g.item()));
    }
  }

  /**
   * {@link #normalSumAtDraw} with the scale given by its log: {@code sum(-noise^2 / 2 - logScale -
   * log(2 pi) / 2)}, for a scale whose log is at hand exactly ({@link Tensor#keptLog}, the
   * unconstrained value of a positive parameter). No logarithm is taken, and the gradient, {@code
   * -g} for every element, goes to {@code logScale} itself (and {@code -g noise} to a tracked
   * noise, as in {@link #normalSumAtDraw}).
   *
   * <pre>{@code
   * Tensor u = Autodiff.track(Tensor.of(-1.0, 0.5), "u");
   * Tensor noise = Samplers.normal(key, u.shape());
   * Tensor lp = FusedDensities.normalSumAtDrawOfLogScale(noise, u);
   * // the value of normalSumAtDraw(noise, u.exp()), its gradient going to u directly
   * }</pre>
   *
   * @param noise the standard normal draws, of the draw's shape
   * @param logScale the scale's log: one value, or of the noise's shape
   * @throws IllegalArgumentException if the log-scale is neither one value nor of the noise's
   *     shape
   */
  public static Tensor normalSumAtDrawOfLogScale(Tensor noise, Tensor logScale) {
    Shape s = noise.shape;
    requireOneOrShapeOf(logScale, "log-scale", s);
    int n = s.numel();
    double sumLogScale = logScale.size() == 1 ? n * logScale.item()
        : sum(logScale.flat(), logScale.flatOffset(), n);
    Tensor out = Tensor.scalar(-0.5 * dot(noise, noise) - sumLogScale - n * HALF_LOG_2PI);
    if (logScale.node() == null && noise.node() == null) {
      return out;
    }
    // d/dlogScale = -g per element: one value read at every position (a view, nothing written)
    return Autodiff.op(out, "normal log-density sum at a draw, log-scale", (g, grads) -> {
      noiseGradient(noise, g, grads);
      if (grads.wants(0)) {
        grads.add(0, logScale.size() == 1 ? g.mul((double) -n).reshape(logScale.shape)
            : g.neg().broadcastTo(logScale.shape));
      }
    }, logScale, noise);
  }

  /**
   * The first-order gradients of {@link #normal} (or of its sum, for a single-value {@code g})
   * with respect to each tracked operand, from one pass over the operands: d/dx = -g w, d/dloc =
   * g w, d/dscale = g (z w - 1 / scale). A single-value operand's gradient is summed in the same
   * pass.
   */
  private static void normalGradients(
      Tensor x, Tensor loc, Tensor scale, Shape s, Tensor grad, Gradients grads) {
    if (grads.isRecorded()) {
      // createGraph: the same rule in tensor operations, itself differentiable
      Tensor zt = x.sub(loc).div(scale);
      Tensor wt = zt.div(scale);
      grads.add(0, grad.mul(wt).neg());
      grads.add(1, grad.mul(wt));
      grads.add(2, grad.mul(zt.square().sub(1.0).div(scale)));
      return;
    }
    int n = s.numel();
    Elementwise.Run xv = Elementwise.Run.of(x, s);
    Elementwise.Run mv = Elementwise.Run.of(loc, s);
    Elementwise.Run sv = Elementwise.Run.of(scale, s);
    Elementwise.Run gv = Elementwise.Run.of(grad, s);
    boolean[] single = {x.size() == 1, loc.size() == 1, scale.size() == 1};
    boolean full = xv.step() == 1 && mv.step() == 1 && x.shape.equals(s) && loc.shape.equals(s);
    if (full && sv.step() == 0 && gv.step() == 0 && grads.wants(0) != grads.wants(1)) {
      // x or loc alone (an observed x, or a constant loc) with a shared scale: its gradient
      // written straight into the engine's buffer, with no array of its own
      double g = gv.at(0);
      double inv = 1.0 / sv.at(0);
      double f = grads.wants(0) ? -g : g;
      double[] xa = xv.a();
      double[] ma = mv.a();
      int xo = xv.o();
      int mo = mv.o();
      grads.addComputed(grads.wants(0) ? 0 : 1, (r, from, accumulate) -> {
        if (accumulate) {
          for (int i = 0; i < n; i++) {
            r[from + i] += f * ((xa[xo + i] - ma[mo + i]) * inv * inv);
          }
        } else {
          for (int i = 0; i < n; i++) {
            r[from + i] = f * ((xa[xo + i] - ma[mo + i]) * inv * inv);
          }
        }
      });
      if (grads.wants(2)) {
        grads.add(2, one(g * sumZw(xa, xo, ma, mo, inv, n) - g * (n * inv), scale.shape));
      }
      return;
    }
    double[] rx = grads.wants(0) && !single[0] ? new double[n] : null;
    double[] rm = grads.wants(1) && !single[1] ? new double[n] : null;
    double[] rs = grads.wants(2) && !single[2] ? new double[n] : null;
    boolean sumW = (grads.wants(0) && single[0]) || (grads.wants(1) && single[1]);
    boolean sumS = grads.wants(2) && single[2];
    double sw = 0;
    double szw = 0;
    double sinv = 0;
    if (sv.step() == 0 && xv.step() == 1 && mv.step() == 1 && gv.step() == 0 && !sumW) {
      // the common case of a shared scale and a scalar gradient: the loop the JIT vectorizes
      double[] xa = xv.a();
      double[] ma = mv.a();
      int xo = xv.o();
      int mo = mv.o();
      double g = gv.at(0);
      double inv = 1.0 / sv.at(0);
      // one loop per set of outputs (a shared scale has no full-size gradient of its own)
      if (rx != null && rm != null) {
        for (int i = 0; i < n; i++) {
          double wi = (xa[xo + i] - ma[mo + i]) * inv * inv;
          rx[i] = -g * wi;
          rm[i] = g * wi;
        }
      } else if (rx != null || rm != null) {
        double[] r = rx != null ? rx : rm;
        double f = rx != null ? -g : g;
        for (int i = 0; i < n; i++) {
          r[i] = f * ((xa[xo + i] - ma[mo + i]) * inv * inv);
        }
      }
      if (sumS) {
        szw = sumZw(xa, xo, ma, mo, inv, n);
      }
      sinv = n * inv;
      szw *= g;
      sinv *= g;
    } else {
      for (int i = 0; i < n; i++) {
        double g = gv.at(i);
        double inv = 1.0 / sv.at(i);
        double zi = (xv.at(i) - mv.at(i)) * inv;
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
          sw += g * wi;
        }
        if (sumS) {
          szw += g * zi * wi;
          sinv += g * inv;
        }
      }
    }
    // the full-size gradients are new arrays: handed over as buffers the engine may add into
    if (grads.wants(0)) {
      handOver(grads, 0, single[0] ? null : rx, -sw, x.shape, s);
    }
    if (grads.wants(1)) {
      handOver(grads, 1, single[1] ? null : rm, sw, loc.shape, s);
    }
    if (grads.wants(2)) {
      handOver(grads, 2, single[2] ? null : rs, szw - sinv, scale.shape, s);
    }
  }

  /**
   * {@code sum z w = sum z^2 / scale} with {@code z = (x - loc) / scale} for a shared scale
   * ({@code inv = 1 / scale}), in four lanes (one lane is a chain of dependent adds).
   */
  private static double sumZw(double[] xa, int xo, double[] ma, int mo, double inv, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      double z0 = (xa[xo + i] - ma[mo + i]) * inv;
      double z1 = (xa[xo + i + 1] - ma[mo + i + 1]) * inv;
      double z2 = (xa[xo + i + 2] - ma[mo + i + 2]) * inv;
      double z3 = (xa[xo + i + 3] - ma[mo + i + 3]) * inv;
      s0 += z0 * (z0 * inv);
      s1 += z1 * (z1 * inv);
      s2 += z2 * (z2 * inv);
      s3 += z3 * (z3 * inv);
    }
    for (; i < n; i++) {
      double zi = (xa[xo + i] - ma[mo + i]) * inv;
      s0 += zi * (zi * inv);
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static Tensor one(double v, Shape shape) {
    return new Tensor(new double[] {v}, shape);
  }

  /** Hands {@code fresh} (shape {@code s}) over as a buffer, or {@code sum} as a single value. */
  private static void handOver(
      Gradients grads, int input, double[] fresh, double sum, Shape inputShape, Shape s) {
    if (fresh == null) {
      grads.add(input, new Tensor(new double[] {sum}, inputShape));
    } else {
      grads.add(input, OwnedBuffer.wrap(fresh, s));
    }
  }

  /** Elements per block of {@link #normalSum}: a multiple of 4, small enough for L1. */
  private static final int BLOCK = 512;

  /**
   * Adds {@code t[0 .. len)} into the partial sums {@code sums[0 .. 4)} by position mod 4, as the
   * four-lane loops here do (a block starts at a multiple of 4; only the last is short).
   */
  private static void addByLane(double[] sums, double[] t, int len) {
    double s0 = sums[0];
    double s1 = sums[1];
    double s2 = sums[2];
    double s3 = sums[3];
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
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
  }

  // Sums with four accumulators: one accumulator is a chain of dependent adds (floating-point
  // adds cannot be reordered by the JIT); four keep the adder busy.

  /** {@code sum_i a_i b_i} over the elements of two tensors of one shape (any layouts). */
  static double dot(Tensor a, Tensor b) {
    int n = a.size();
    double[] x = a.flat();
    int xo = a.flatOffset();
    double[] y = b == a ? x : b.flat();
    int yo = b == a ? xo : b.flatOffset();
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[xo + i] * y[yo + i];
      s1 += x[xo + i + 1] * y[yo + i + 1];
      s2 += x[xo + i + 2] * y[yo + i + 2];
      s3 += x[xo + i + 3] * y[yo + i + 3];
    }
    for (; i < n; i++) {
      s0 += x[xo + i] * y[yo + i];
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

  /** Elements per product of mantissas before one log: 2^32 bounds their product. */
  private static final int LOG_BLOCK = 32;

  private static final double LN2 = Math.log(2.0);

  /**
   * {@code sum_i log(x_i)} of positive, finite, normal elements with one logarithm per 32 of
   * them: {@code x = m 2^e} with {@code m} in {@code [1, 2)}, so {@code sum log x = ln 2 sum e +
   * log(prod m)}; the exponents are read from the bits and the mantissas multiplied in four
   * running products of at most 32 mantissas each (so below {@code 2^32}; up to 128 in a block of
   * 128 that holds a value that is not a normal double, still far from overflow). A product of k
   * mantissas is rounded k times, so its log is off by at most about {@code k eps}: in all about
   * {@code n eps}, as for a sum of the elements' logs. An element that is not a positive normal
   * double goes through {@link Math#log}, so zeros, negatives, infinities and NaN give what a sum
   * of {@code Math.log} gives.
   */
  static double sumOfLogs(Tensor t) {
    double[] a = t.flat();
    int from = t.flatOffset();
    int n = t.size();
    long exponents = 0;
    double logs = 0;
    // four products at a time: one product is a chain of dependent multiplies
    for (int b = 0; b < n; b += 4 * LOG_BLOCK) {
      int end = Math.min(n, b + 4 * LOG_BLOCK);
      double p0 = 1.0;
      double p1 = 1.0;
      double p2 = 1.0;
      double p3 = 1.0;
      int i = b;
      for (; i + 3 < end; i += 4) {
        long b0 = Double.doubleToRawLongBits(a[from + i]);
        long b1 = Double.doubleToRawLongBits(a[from + i + 1]);
        long b2 = Double.doubleToRawLongBits(a[from + i + 2]);
        long b3 = Double.doubleToRawLongBits(a[from + i + 3]);
        if (!normal(b0) || !normal(b1) || !normal(b2) || !normal(b3)) {
          break; // a value that is not a positive normal double: the careful loop below
        }
        exponents += (b0 >>> 52) + (b1 >>> 52) + (b2 >>> 52) + (b3 >>> 52) - 4 * 1023;
        p0 *= mantissa(b0);
        p1 *= mantissa(b1);
        p2 *= mantissa(b2);
        p3 *= mantissa(b3);
      }
      for (; i < end; i++) {
        double v = a[from + i];
        long bits = Double.doubleToRawLongBits(v);
        if (!normal(bits)) {
          logs += Math.log(v); // zero, subnormal, negative, infinite or NaN: the plain log
          continue;
        }
        exponents += (bits >>> 52) - 1023;
        p0 *= mantissa(bits);
      }
      logs += Math.log(p0) + Math.log(p1) + Math.log(p2) + Math.log(p3);
    }
    return exponents * LN2 + logs;
  }

  /** Whether {@code bits} is a positive normal double (sign 0, exponent 1 .. 2046). */
  private static boolean normal(long bits) {
    long e = bits >>> 52; // sign and exponent
    return e >= 1 && e <= 2046;
  }

  /** The mantissa of a normal double as a value in {@code [1, 2)}. */
  private static double mantissa(long bits) {
    return Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
  }
}
