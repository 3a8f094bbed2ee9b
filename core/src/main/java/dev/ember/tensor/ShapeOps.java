// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.BackwardFn;
import dev.ember.autodiff.RowsOfBackward;
import dev.ember.autodiff.ScatterBackward;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Operations that move values without arithmetic: reshape, broadcast, permute, slice, select,
 * flip, index (take), stack and concat.
 *
 * <p>Most are one strided gather ({@link Strided}); the backward rule of a gather is the
 * scatter-add with the same strides, and the backward rule of that scatter is the gather again, so
 * these operations differentiate to any order.
 */
final class ShapeOps {
  private ShapeOps() {}

  /**
   * Where a tensor made by {@code base.select(0, index)} was read from ({@link Tensor#row}). Weak,
   * so that keeping a row does not keep a large base reachable; once the base is gone, stacking
   * the rows copies them as any other tensors.
   */
  static final class Row extends WeakReference<Tensor> {
    final int index;

    Row(Tensor base, int index) {
      super(base);
      this.index = index;
    }
  }

  /** A strided gather of {@code a}, differentiable. */
  static Tensor gather(Tensor a, String name, int base, int[] strides, int[] shape) {
    return gather(a, name, base, strides, shape, null);
  }

  /** {@link #gather}, its result marked as the row {@code row} of {@code a} (or not, if null). */
  private static Tensor gather(
      Tensor a, String name, int base, int[] strides, int[] shape, Row row) {
    // not in a first-order backward pass (recording off): the gathers of gradients there are
    // new arrays, which the engine may write into
    boolean keep = a.node() == null && Strided.numel(shape) >= GatherMemo.MIN_SIZE
        && Autodiff.isRecording();
    if (keep) {
      Tensor kept = GatherMemo.get(a, base, strides, shape, row != null);
      if (kept != null) {
        return kept;
      }
    }
    KnownLog log = a.knownLog == null ? null : a.knownLog.gather(base, strides, shape);
    Tensor out = new Tensor(
        Strided.gather(a.data, base, strides, shape), Shape.wrap(shape), a.dtype, null, row, log);
    if (a.node() == null) {
      if (keep) {
        GatherMemo.put(a, base, strides, shape, row != null, out);
      }
      return out;
    }
    return Autodiff.op(
        out,
        name,
        new ScatterBackward() {
          @Override
          public Tensor apply(Tensor g, Tensor z, int i) {
            return scatter(g, name, base, strides, shape, a.shape);
          }

          @Override
          public void scatterInto(Tensor g, double[] target) {
            Strided.scatterAdd(g.data, base, strides, shape, target);
          }
        },
        a);
  }

  /** The adjoint of {@link #gather}: adds {@code g} into zeros of {@code target} shape. */
  static Tensor scatter(
      Tensor g, String name, int base, int[] strides, int[] shape, Shape target) {
    double[] r = new double[target.numel()];
    Strided.scatterAdd(g.data, base, strides, shape, r);
    Tensor out = new Tensor(r, target);
    return g.node() == null
        ? out
        : Autodiff.op(
            out, name + "Backward", (h, z, i) -> gather(h, name, base, strides, shape), g);
  }

  static Tensor reshape(Tensor a, int[] requested) {
    int[] dims = requested.clone();
    int infer = -1;
    int known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              "reshape: only one dimension may be -1, got " + Arrays.toString(requested));
        }
        infer = i;
      } else if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "reshape: invalid dimension " + dims[i] + " in " + Arrays.toString(requested));
      } else {
        known *= dims[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || a.data.length % known != 0) {
        throw new IllegalArgumentException(
            "reshape: cannot reshape " + a.shape + " to " + Arrays.toString(requested));
      }
      dims[infer] = a.data.length / known;
    }
    Shape s = Shape.wrap(dims);
    if (s.numel() != a.data.length) {
      throw new IllegalArgumentException(
          "reshape: cannot reshape " + a.shape + " (" + a.data.length + " elements) to "
              + Arrays.toString(requested));
    }
    if (s.equals(a.shape)) {
      return a;
    }
    Tensor out = new Tensor(a.data, s, a.dtype, null, null, a.knownLog); // same row-major values
    return a.node() == null
        ? out
        : Autodiff.op(out, "reshape", (g, z, i) -> g.reshape(a.shape), a);
  }

  static Tensor broadcastTo(Tensor a, Shape target) {
    if (a.shape.equals(target)) {
      return a;
    }
    if (!a.shape.broadcastsTo(target)) {
      throw new IllegalArgumentException(
          "broadcastTo: cannot broadcast " + a.shape + " to " + target);
    }
    return gather(
        a, "broadcastTo", 0, Strided.broadcastStrides(a.shape.dims, target.dims), target.dims);
  }

  static Tensor squeeze(Tensor a) {
    return reshape(a, Arrays.stream(a.shape.dims).filter(d -> d != 1).toArray());
  }

  static Tensor squeeze(Tensor a, int axisArg) {
    int axis = a.shape.axis(axisArg, "squeeze");
    if (a.shape.dims[axis] != 1) {
      throw new IllegalArgumentException(
          "squeeze: axis " + axisArg + " of " + a.shape + " has size " + a.shape.dims[axis]
              + ", not 1");
    }
    int[] d = new int[a.rank() - 1];
    for (int i = 0, j = 0; i < a.rank(); i++) {
      if (i != axis) {
        d[j++] = a.shape.dims[i];
      }
    }
    return reshape(a, d);
  }

  static Tensor unsqueeze(Tensor a, int axisArg) {
    int r = a.rank() + 1;
    int axis = axisArg < 0 ? axisArg + r : axisArg;
    if (axis < 0 || axis >= r) {
      throw new IllegalArgumentException(
          "unsqueeze: axis " + axisArg + " is out of range for a result of rank " + r);
    }
    int[] d = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      d[i] = i == axis ? 1 : a.shape.dims[j++];
    }
    return reshape(a, d);
  }

  static Tensor permute(Tensor a, int[] perm) {
    int n = a.rank();
    if (perm.length != n) {
      throw new IllegalArgumentException(
          "permute: " + Arrays.toString(perm) + " is not a permutation of the " + n
              + " axes of " + a.shape);
    }
    boolean[] seen = new boolean[n];
    int[] st = Strided.rowMajor(a.shape.dims);
    int[] shape = new int[n];
    int[] strides = new int[n];
    boolean identity = true;
    for (int i = 0; i < n; i++) {
      int p = perm[i] < 0 ? perm[i] + n : perm[i];
      if (p < 0 || p >= n || seen[p]) {
        throw new IllegalArgumentException(
            "permute: " + Arrays.toString(perm) + " is not a permutation of the " + n
                + " axes of " + a.shape);
      }
      seen[p] = true;
      shape[i] = a.shape.dims[p];
      strides[i] = st[p];
      identity &= p == i;
    }
    return identity ? a : gather(a, "permute", 0, strides, shape);
  }

  static Tensor moveAxis(Tensor a, int fromArg, int toArg) {
    int from = a.shape.axis(fromArg, "moveAxis");
    int to = a.shape.axis(toArg, "moveAxis");
    int[] order = new int[a.rank()];
    int k = 0;
    for (int i = 0; i < a.rank(); i++) {
      if (i != from) {
        order[k++] = i;
      }
    }
    int[] perm = new int[a.rank()];
    for (int i = 0, j = 0; i < perm.length; i++) {
      perm[i] = i == to ? from : order[j++];
    }
    return permute(a, perm);
  }

  static Tensor slice(Tensor a, int axisArg, int startArg, int endArg, int step) {
    int axis = a.shape.axis(axisArg, "slice");
    int n = a.shape.dims[axis];
    int start = startArg < 0 ? startArg + n : startArg;
    int end = endArg < 0 ? endArg + n : endArg;
    if (step <= 0 || start < 0 || end > n || start > end) {
      throw new IllegalArgumentException(
          "slice: [" + startArg + ", " + endArg + ") with step " + step
              + " is not a valid range of axis " + axisArg + " (size " + n + ") of " + a.shape);
    }
    int[] st = Strided.rowMajor(a.shape.dims);
    int[] shape = a.shape.toArray();
    shape[axis] = (end - start + step - 1) / step;
    int base = start * st[axis];
    st[axis] *= step;
    if (step == 1 && start == 0 && end == n) {
      return a;
    }
    return gather(a, "slice", base, st, shape);
  }

  static Tensor select(Tensor a, int axisArg, int iArg) {
    int axis = a.shape.axis(axisArg, "select");
    int n = a.shape.dims[axis];
    int i = iArg < 0 ? iArg + n : iArg;
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException(
          "select: index " + iArg + " is out of range for axis " + axisArg + " (size " + n
              + ") of " + a.shape);
    }
    int[] st = Strided.rowMajor(a.shape.dims);
    int[] shape = new int[a.rank() - 1];
    int[] strides = new int[a.rank() - 1];
    for (int d = 0, j = 0; d < a.rank(); d++) {
      if (d != axis) {
        shape[j] = a.shape.dims[d];
        strides[j++] = st[d];
      }
    }
    Row row = axis == 0 ? new Row(a, i) : null;
    return gather(a, "select", i * st[axis], strides, shape, row);
  }

  static Tensor flip(Tensor a, int axisArg) {
    int axis = a.shape.axis(axisArg, "flip");
    int n = a.shape.dims[axis];
    if (n <= 1) {
      return a;
    }
    int[] st = Strided.rowMajor(a.shape.dims);
    int base = (n - 1) * st[axis];
    st[axis] = -st[axis];
    return gather(a, "flip", base, st, a.shape.toArray());
  }

  static Tensor index(Tensor a, int axisArg, Tensor indices) {
    double[] d = indices.data;
    int[] idx = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      if (d[i] != Math.rint(d[i])) {
        throw new IllegalArgumentException(
            "index: indices must be integers, but position " + i + " holds " + d[i]);
      }
      idx[i] = (int) d[i];
    }
    int axis = a.shape.axis(axisArg, "index");
    Tensor flat = index(a, axis, idx);
    Shape s =
        a.shape.sub(0, axis).concat(indices.shape).concat(a.shape.sub(axis + 1, a.rank()));
    return flat.reshape(s);
  }

  static Tensor index(Tensor a, int axisArg, int[] indices) {
    int axis = a.shape.axis(axisArg, "index");
    int n = a.shape.dims[axis];
    int[] idx = new int[indices.length];
    for (int i = 0; i < idx.length; i++) {
      int k = indices[i] < 0 ? indices[i] + n : indices[i];
      if (k < 0 || k >= n) {
        throw new IndexOutOfBoundsException(
            "index: index " + indices[i] + " at position " + i + " is out of range for axis "
                + axisArg + " (size " + n + ") of " + a.shape);
      }
      idx[i] = k;
    }
    final int outer = prefixSize(a.shape, axis);
    final int inner = a.data.length == 0 ? 0 : a.data.length / (outer * n);
    int m = idx.length;
    double[] r = new double[outer * m * inner];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < m; k++) {
        System.arraycopy(a.data, (o * n + idx[k]) * inner, r, (o * m + k) * inner, inner);
      }
    }
    int[] shape = a.shape.toArray();
    shape[axis] = m;
    Tensor out = new Tensor(r, Shape.wrap(shape), a.dtype, null);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(
        out, "index", (g, z, i) -> indexAdd(g, axis, idx, a.shape, outer, inner), a);
  }

  private static int prefixSize(Shape s, int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= s.dims[i];
    }
    return n;
  }

  /** Adds {@code g}'s entries into zeros of {@code target} at {@code idx} along {@code axis}. */
  private static Tensor indexAdd(
      Tensor g, int axis, int[] idx, Shape target, int outer, int inner) {
    int n = target.dims[axis];
    int m = idx.length;
    double[] r = new double[target.numel()];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < m; k++) {
        int src = (o * m + k) * inner;
        int dst = (o * n + idx[k]) * inner;
        for (int j = 0; j < inner; j++) {
          r[dst + j] += g.data[src + j];
        }
      }
    }
    Tensor out = new Tensor(r, target);
    return g.node() == null
        ? out
        : Autodiff.op(out, "indexAdd", (h, z, i) -> index(h, axis, idx), g);
  }

  static Tensor stack(int axisArg, Tensor[] parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("stack: needs at least one tensor");
    }
    Shape s = parts[0].shape;
    int r = s.rank() + 1;
    int axis = axisArg < 0 ? axisArg + r : axisArg;
    if (axis < 0 || axis >= r) {
      throw new IllegalArgumentException(
          "stack: axis " + axisArg + " is out of range for a result of rank " + r);
    }
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].shape.equals(s)) {
        throw new IllegalArgumentException(
            "stack: all tensors must have the same shape, but tensor 0 has " + s + " and tensor "
                + i + " has " + parts[i].shape);
      }
    }
    Tensor base = axis == 0 ? rowsOf(parts) : null;
    if (base != null) {
      // no copy: the values are the base's. The gradient goes to each part (row i of the
      // cotangent) when a part's own gradient is asked for, else straight to the base
      return Autodiff.op(base.detach(), "stack", new RowsBackward(base), parts);
    }
    Tensor[] lifted = new Tensor[parts.length];
    for (int i = 0; i < parts.length; i++) {
      lifted[i] = parts[i].unsqueeze(axis);
    }
    return concat(axis, lifted);
  }

  /**
   * The gradient of part i of a stack of a base's rows: row i of the output's gradient, or all of
   * it for the base ({@link RowsOfBackward}).
   */
  private static final class RowsBackward implements RowsOfBackward, BackwardFn.Fresh {
    private final Tensor base;

    RowsBackward(Tensor base) {
      this.base = base;
    }

    @Override
    public Tensor base() {
      return base;
    }

    @Override
    public Tensor apply(Tensor g, Tensor out, int input) {
      return g.select(0, input);
    }

    @Override
    public boolean addInto(Tensor g, Tensor out, int input, double[] target) {
      int n = target.length;
      double[] x = g.data;
      int from = input * n;
      for (int k = 0; k < n; k++) {
        target[k] += x[from + k];
      }
      return true;
    }
  }

  /**
   * The tensor {@code parts} are the rows of, when they are {@code base.select(0, i)} for {@code
   * i = 0 .. base.dim(0) - 1} in that order (a scan's per-step slices of a series), else null.
   */
  private static Tensor rowsOf(Tensor[] parts) {
    Row first = parts[0].row;
    Tensor base = first == null ? null : first.get();
    if (base == null || base.shape.dims[0] != parts.length) {
      return null;
    }
    for (int i = 0; i < parts.length; i++) {
      Row r = parts[i].row;
      if (r == null || r.index != i || r.get() != base) {
        return null;
      }
    }
    return base;
  }

  static Tensor concat(int axisArg, Tensor[] parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("concat: needs at least one tensor");
    }
    Shape s0 = parts[0].shape;
    int axis = s0.axis(axisArg, "concat");
    int total = 0;
    boolean allBool = true;
    boolean anyTracked = false;
    for (int p = 0; p < parts.length; p++) {
      Shape s = parts[p].shape;
      boolean ok = s.rank() == s0.rank();
      for (int d = 0; ok && d < s.rank(); d++) {
        ok = d == axis || s.dims[d] == s0.dims[d];
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "concat: tensor " + p + " has shape " + s + ", which does not match " + s0
                + " outside axis " + axisArg);
      }
      total += s.dims[axis];
      allBool &= parts[p].isBool();
      anyTracked |= parts[p].node() != null;
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s0.dims[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < s0.rank(); i++) {
      inner *= s0.dims[i];
    }
    double[] r = new double[outer * total * inner];
    int[] offsets = new int[parts.length];
    for (int o = 0; o < outer; o++) {
      int dst = o * total * inner;
      for (int p = 0; p < parts.length; p++) {
        int len = parts[p].shape.dims[axis] * inner;
        System.arraycopy(parts[p].data, o * len, r, dst, len);
        dst += len;
      }
    }
    for (int p = 1; p < parts.length; p++) {
      offsets[p] = offsets[p - 1] + parts[p - 1].shape.dims[axis];
    }
    int[] shape = s0.toArray();
    shape[axis] = total;
    Tensor out = new Tensor(r, Shape.wrap(shape), allBool ? DType.BOOL : DType.FLOAT64, null);
    if (!anyTracked) {
      return out;
    }
    return Autodiff.op(
        out,
        "concat",
        (g, z, i) -> g.slice(axis, offsets[i], offsets[i] + parts[i].shape.dims[axis]),
        parts);
  }
}
