// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.SviState;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import dev.ember.tensor.TensorBuilder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which params of a guide are per-series (local) params, and how a batch's value of one is cut
 * into its rows' slices and put back together: a param whose shape follows the batch size along
 * one axis (an {@code AutoNormal} over the series plate, a hand-written mean-field guide's {@code
 * z_loc} of shape {@code [T, B]}) has one slice per series, the value without that axis.
 *
 * <pre>{@code
 * SeriesParams local = SeriesParams.detect(initOnOneRow, initOnTwoRows, 2);
 * local.names();                              // e.g. [z_loc, z_scale]
 * Tensor v = local.gather(0, slices);         // [T, B] from B slices of [T]
 * double[][] back = local.scatter(0, v);      // the B slices again
 * }</pre>
 *
 * <p>Detection compares the params of the same guide initialised on one row and on two rows (both
 * padded to the same length): a param whose shapes differ in exactly one axis, of sizes 1 and 2,
 * is per-series along that axis; equal shapes are global; any other difference is an error
 * naming the param. The initial value of a series' slice must not depend on the rows it is
 * batched with (constant, or computed from the row's own data); detection checks it on the two
 * rows.
 */
public final class SeriesParams implements Serializable {
  /**
   * Series moved together between the series-major slices and a batch value's time-major layout:
   * one cache line of doubles. Moving one series at a time would step through a [T, B] value by
   * B doubles, and at a power of two such as 512 every access would fall in the same few cache
   * sets.
   */
  private static final int TRANSPOSE = 8;

  private static final long serialVersionUID = 1L;

  /**
   * One per-series param.
   *
   * @param name its name
   * @param axis the series axis of its batch value
   * @param slice the shape of one series' slice (the batch value without {@code axis})
   * @param timeAxis the slice's axis that follows the batch's length, or -1
   * @param constraint its constraint (values are kept unconstrained)
   */
  public record Local(String name, int axis, Shape slice, int timeAxis, Constraint constraint)
      implements Serializable {
    /** The batch value's shape for {@code b} series. */
    Shape batchShape(int b) {
      int[] d = slice.toArray();
      int[] out = new int[d.length + 1];
      System.arraycopy(d, 0, out, 0, axis);
      out[axis] = b;
      System.arraycopy(d, axis, out, axis + 1, d.length - axis);
      return Shape.of(out);
    }

    /** The product of the slice's dimensions before the series axis. */
    int outer() {
      int n = 1;
      for (int i = 0; i < axis; i++) {
        n *= slice.dim(i);
      }
      return n;
    }

    /** The product of the slice's dimensions after the series axis. */
    int inner() {
      int n = 1;
      for (int i = axis; i < slice.rank(); i++) {
        n *= slice.dim(i);
      }
      return n;
    }
  }

  private final List<Local> locals;
  private final int steps;

  private SeriesParams(List<Local> locals, int steps) {
    this.locals = List.copyOf(locals);
    this.steps = steps;
  }

  /** No per-series params. */
  static SeriesParams none() {
    return new SeriesParams(List.of(), 0);
  }

  /** The per-series params {@code locals}, every batch padded to {@code steps}. */
  static SeriesParams of(List<Local> locals, int steps) {
    return new SeriesParams(locals, steps);
  }

  /**
   * The per-series params of a guide from its initial states on one row and on two rows, the
   * first row's position in the two-row batch being {@code firstAt} (0 or 1), and on the one row
   * padded one step further (which shows a slice's time axis).
   *
   * @param one the state initialised on a batch of one row
   * @param two the state initialised on a batch of two rows, that one and another
   * @param longer the state initialised on the one row padded to {@code steps + 1}
   * @param firstAt where the one row sits in the two-row batch (batches are sorted by id)
   * @param steps the padded length both batches had, which every batch of the fit keeps
   * @throws IllegalArgumentException if a param's shape changes in another way, or a slice's
   *     initial value depends on the other row
   */
  static SeriesParams detect(SviState one, SviState two, SviState longer, int firstAt, int steps) {
    List<Local> out = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : two.optimizer().params().entrySet()) {
      String name = e.getKey();
      Tensor v2 = e.getValue();
      Tensor v1 = one.optimizer().params().get(name);
      if (v1 == null) {
        throw new IllegalArgumentException("param '" + name + "' appears in a batch of two series "
            + "but not of one; a guide's params must not depend on which series it sees");
      }
      Shape s1 = v1.shape();
      Shape s2 = v2.shape();
      if (s1.equals(s2)) {
        continue;
      }
      int axis = -1;
      boolean series = s1.rank() == s2.rank();
      for (int i = 0; series && i < s1.rank(); i++) {
        if (s1.dim(i) != s2.dim(i)) {
          series = axis < 0 && s1.dim(i) == 1 && s2.dim(i) == 2;
          axis = i;
        }
      }
      if (!series) {
        throw new IllegalArgumentException("param '" + name + "' has shape " + s1 + " for one "
            + "series and " + s2 + " for two; a per-series param must grow along one axis only, "
            + "by one element per series");
      }
      int[] slice = new int[s1.rank() - 1];
      for (int i = 0, j = 0; i < s1.rank(); i++) {
        if (i != axis) {
          slice[j++] = s1.dim(i);
        }
      }
      int time = -1;
      Shape s3 = longer.optimizer().params().get(name).shape();
      for (int i = 0, j = 0; i < s1.rank() && s3.rank() == s1.rank(); i++) {
        if (i != axis) {
          if (s3.dim(i) == s1.dim(i) + 1 && s1.dim(i) == steps) {
            time = j;
          }
          j++;
        }
      }
      Local local = new Local(name, axis, Shape.of(slice), time, two.constraints().get(name));
      double[] alone = v1.toArray();
      double[] inPair = new SeriesParams(List.of(local), steps).scatter(0, v2)[firstAt];
      if (!Arrays.equals(alone, inPair)) {
        throw new IllegalArgumentException("per-series param '" + name + "': the initial value of "
            + "a series differs when it is initialised alone and next to another series; make it "
            + "a constant or a function of the series' own data (an autoguide: initialise it "
            + "with InitStrategy.feasible() or given values)");
      }
      out.add(local);
    }
    return new SeriesParams(out, steps);
  }

  /** The per-series params, in the guide's order. */
  public List<Local> locals() {
    return locals;
  }

  /** Their names. */
  public List<String> names() {
    return locals.stream().map(Local::name).toList();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return locals.isEmpty();
  }

  /** The length every batch is padded to, so that the slices keep their shape. */
  public int steps() {
    return steps;
  }

  /** The batch value of local param {@code p} from its series' slices, in batch order. */
  Tensor gather(int p, List<double[]> slices) {
    Local l = locals.get(p);
    int b = slices.size();
    int outer = l.outer();
    int inner = l.inner();
    if (inner == 1) { // the series axis last, as in [T, B]: the slices laid out time-major
      return Tensor.of(SequenceBatch.timeMajor(slices.toArray(new double[0][]), outer),
          l.batchShape(b));
    }
    double[] out = new double[outer * b * inner]; // [outer, B, inner]
    for (int i = 0; i < b; i++) {
      double[] s = slices.get(i);
      for (int o = 0; o < outer; o++) {
        System.arraycopy(s, o * inner, out, (o * b + i) * inner, inner);
      }
    }
    return Tensor.of(out, l.batchShape(b));
  }

  /**
   * The batch value of local param {@code p} from the slices of {@code b} series kept in one
   * array: series i's slice begins at {@code flat[i * stride + offset]}.
   */
  Tensor gather(int p, double[] flat, int stride, int offset, int b) {
    Local l = locals.get(p);
    int outer = l.outer();
    int inner = l.inner();
    TensorBuilder out = Tensor.builder(l.batchShape(b)); // [outer, B, inner]
    if (inner == 1) { // by blocks of series (see TRANSPOSE)
      for (int i0 = 0; i0 < b; i0 += TRANSPOSE) {
        int i1 = Math.min(b, i0 + TRANSPOSE);
        for (int o = 0; o < outer; o++) {
          for (int i = i0; i < i1; i++) {
            out.set(o * b + i, flat[i * stride + offset + o]);
          }
        }
      }
    } else {
      for (int i = 0; i < b; i++) {
        int at = i * stride + offset;
        for (int o = 0; o < outer; o++) {
          out.put((o * b + i) * inner, flat, at + o * inner, inner);
        }
      }
    }
    return out.build();
  }

  /**
   * Writes the series' slices of local param {@code p}'s batch value {@code v} into {@code flat}:
   * series i's slice at {@code flat[i * stride + offset]}.
   */
  void scatter(int p, Tensor v, double[] flat, int stride, int offset) {
    Local l = locals.get(p);
    int b = v.dim(l.axis());
    int outer = l.outer();
    int inner = l.inner();
    double[] d = v.toArray(); // [outer, B, inner], row-major
    if (inner == 1) { // by blocks of series (see TRANSPOSE)
      for (int i0 = 0; i0 < b; i0 += TRANSPOSE) {
        int i1 = Math.min(b, i0 + TRANSPOSE);
        for (int o = 0; o < outer; o++) {
          for (int i = i0; i < i1; i++) {
            flat[i * stride + offset + o] = d[o * b + i];
          }
        }
      }
    } else {
      for (int i = 0; i < b; i++) {
        int at = i * stride + offset;
        for (int o = 0; o < outer; o++) {
          System.arraycopy(d, (o * b + i) * inner, flat, at + o * inner, inner);
        }
      }
    }
  }

  /** The doubles of one series' slices of every param. */
  int width() {
    int[] off = offsets();
    return off[off.length - 1];
  }

  /** Where each param's slice begins in a series' slices laid end to end; the last is the width. */
  int[] offsets() {
    int[] out = new int[locals.size() + 1];
    for (int p = 0; p < locals.size(); p++) {
      out[p + 1] = out[p] + locals.get(p).slice().numel();
    }
    return out;
  }

  /** The series' slices of local param {@code p}'s batch value {@code v}, in batch order. */
  double[][] scatter(int p, Tensor v) {
    Local l = locals.get(p);
    int b = v.dim(l.axis());
    int outer = l.outer();
    int inner = l.inner();
    double[] d = v.toArray();
    double[][] out = new double[b][outer * inner];
    for (int i = 0; i < b; i++) {
      double[] r = out[i];
      if (inner == 1) {
        for (int o = 0; o < outer; o++) {
          r[o] = d[o * b + i];
        }
      } else {
        for (int o = 0; o < outer; o++) {
          System.arraycopy(d, (o * b + i) * inner, r, o * inner, inner);
        }
      }
    }
    return out;
  }

  /**
   * The constrained batch values of the per-series params of {@code rows} (sorted by id, as a
   * batch orders them) from their fitted slices, cut or extended to {@code steps} steps along each
   * slice's time axis ({@link #alongTime}).
   *
   * @throws IllegalArgumentException if a row has no fitted params, or more steps than they cover
   */
  Map<String, Tensor> fitted(List<SequenceRow> rows, int steps) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int p = 0; p < locals.size(); p++) {
      Local l = locals.get(p);
      List<double[]> slices = new ArrayList<>(rows.size());
      for (SequenceRow r : rows) {
        double[] v = r.fitted().get(l.name());
        if (v == null) {
          throw new IllegalArgumentException("series id " + r.id() + " has no per-series param '"
              + l.name() + "' in the fit; a per-series guide has params only for the series it "
              + "was fitted on");
        }
        if (r.values().length > this.steps) {
          throw new IllegalArgumentException("series id " + r.id() + " has " + r.values().length
              + " steps but its per-series params cover the fit's " + this.steps);
        }
        slices.add(l.timeAxis() < 0 ? v : alongTime(v, l, steps));
      }
      Local cutLocal = l.timeAxis() < 0 ? l : new Local(l.name(), l.axis(),
          withDim(l.slice(), l.timeAxis(), steps), l.timeAxis(), l.constraint());
      out.put(l.name(), new SeriesParams(List.of(cutLocal), steps).gather(0, slices));
    }
    return out;
  }

  /**
   * {@code v}, a slice shaped as {@code l.slice()} but of any length along its time axis, resized
   * to {@code steps} along it: cut, or extended by repeating its last step. A fit reports each
   * series' slice cut to the series' length ({@link SeriesShard#constrainedValues}); a batch
   * padded past a series' end gets the repeated last step there, finite and inside the
   * constraint, at steps the masked model and guide do not score.
   *
   * @throws IllegalArgumentException if {@code v}'s length is no whole number of steps
   */
  static double[] alongTime(double[] v, Local l, int steps) {
    Shape s = l.slice();
    int outer = 1;
    for (int i = 0; i < l.timeAxis(); i++) {
      outer *= s.dim(i);
    }
    int inner = 1;
    for (int i = l.timeAxis() + 1; i < s.rank(); i++) {
      inner *= s.dim(i);
    }
    int have = v.length / (outer * inner);
    if (have < 1 || have * outer * inner != v.length) {
      throw new IllegalArgumentException("per-series param '" + l.name() + "': " + v.length
          + " values are no whole number of steps of " + outer * inner + " (slice " + s
          + ", time axis " + l.timeAxis() + ")");
    }
    double[] out = new double[outer * steps * inner];
    for (int o = 0; o < outer; o++) {
      for (int t = 0; t < steps; t++) {
        int from = (o * have + Math.min(t, have - 1)) * inner;
        System.arraycopy(v, from, out, (o * steps + t) * inner, inner);
      }
    }
    return out;
  }

  private static Shape withDim(Shape s, int axis, int size) {
    int[] d = s.toArray();
    d[axis] = size;
    return Shape.of(d);
  }

  /** {@code state} without the per-series params (the driver's part). */
  SviState globalPart(SviState state, dev.ember.infer.optim.Optimizer optimizer) {
    if (locals.isEmpty()) {
      return state;
    }
    Map<String, Tensor> params = new LinkedHashMap<>(state.optimizer().params());
    Map<String, Constraint> constraints = new LinkedHashMap<>(state.constraints());
    for (Local l : locals) {
      params.remove(l.name());
      constraints.remove(l.name());
    }
    return new SviState(optimizer.init(params), state.key(), state.step(), state.skippedSteps(),
        constraints);
  }
}
