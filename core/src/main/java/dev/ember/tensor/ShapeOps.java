// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ViewOf;
import java.util.Arrays;

/**
 * Operations that move values without arithmetic: reshape, broadcast, permute, slice, select,
 * flip, index (take), stack and concat.
 *
 * <p>All but index and concat are views: a new offset and new strides over the operand's
 * storage, no copy (a reshape of a tensor whose strides cannot express the new shape copies, as
 * NumPy's does; a stack of views that lie at equal distances in one storage is a view too). Each
 * view is an index map ({@link Relayout}) applied twice: to the operand's storage layout, for the
 * values, and to its row-major layout, for its backward rule, which places the gradient at the
 * positions the view reads ({@link dev.ember.autodiff.Gradients#addAt}).
 */
final class ShapeOps {
  private ShapeOps() {}

  /**
   * An index map of a view: from a layout ({@code base} and {@code strides} of the operand, in
   * storage or row-major terms) to the view's, packed as {@code [base, strides...]}.
   */
  @FunctionalInterface
  interface Relayout {
    int[] apply(int base, int[] strides);
  }

  /** The view {@code map} of {@code a}, of shape {@code shape}, differentiable. */
  static Tensor view(Tensor a, String name, int[] shape, Relayout map) {
    int[] stored = map.apply(a.offset, a.strides);
    Tensor out = a.view(stored[0], Shape.wrap(shape), Arrays.copyOfRange(stored, 1, stored.length));
    if (a.exponent() != null) {
      out = out.withExponent(view(a.exponent(), name, shape, map)); // the same view of it
    }
    if (a.node() == null) {
      return out;
    }
    int[] rowMajor = map.apply(0, Strided.rowMajor(a.shape.dims));
    return Autodiff.view(out, name, a, rowMajor[0],
        Arrays.copyOfRange(rowMajor, 1, rowMajor.length));
  }

  private static int[] packed(int base, int[] strides) {
    int[] p = new int[strides.length + 1];
    p[0] = base;
    System.arraycopy(strides, 0, p, 1, strides.length);
    return p;
  }

  static Tensor reshape(Tensor a, int[] requested) {
    int n = a.size();
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
      if (known == 0 || n % known != 0) {
        throw new IllegalArgumentException(
            "reshape: cannot reshape " + a.shape + " to " + Arrays.toString(requested));
      }
      dims[infer] = n / known;
    }
    Shape s = Shape.wrap(dims);
    if (s.numel() != n) {
      throw new IllegalArgumentException(
          "reshape: cannot reshape " + a.shape + " (" + n + " elements) to "
              + Arrays.toString(requested));
    }
    if (s.equals(a.shape)) {
      return a;
    }
    int[] strides = a.uniform ? new int[dims.length]
        : a.contiguous ? Strided.rowMajor(dims) : Strided.reshapedStrides(a, dims);
    Tensor out = strides != null ? a.view(a.offset, s, strides) // same values, new strides
        : new Tensor(a.toArray(), s, a.dtype); // no strides read this order: a copy, as NumPy
    if (strides != null && a.exponent() != null) {
      out = out.withExponent(a.exponent().reshape(dims));
    }
    return a.node() == null ? out
        : Autodiff.op(out, "reshape", (g, grads) -> grads.add(0, g.reshape(a.shape)), a);
  }

  static Tensor broadcastTo(Tensor a, Shape target) {
    if (a.shape.equals(target)) {
      return a;
    }
    if (!a.shape.broadcastsTo(target)) {
      throw new IllegalArgumentException(
          "broadcastTo: cannot broadcast " + a.shape + " to " + target);
    }
    int[] from = a.shape.dims;
    int[] to = target.dims;
    return view(a, "broadcastTo", to.clone(), (base, st) -> {
      int[] out = new int[to.length];
      int lead = to.length - from.length;
      for (int i = 0; i < from.length; i++) {
        out[lead + i] = from[i] == 1 ? 0 : st[i];
      }
      return packed(base, out);
    });
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

  static Tensor permute(Tensor a, int[] permArg) {
    int n = a.rank();
    if (permArg.length != n) {
      throw new IllegalArgumentException(
          "permute: " + Arrays.toString(permArg) + " is not a permutation of the " + n
              + " axes of " + a.shape);
    }
    boolean[] seen = new boolean[n];
    int[] perm = new int[n];
    int[] shape = new int[n];
    boolean identity = true;
    for (int i = 0; i < n; i++) {
      int p = permArg[i] < 0 ? permArg[i] + n : permArg[i];
      if (p < 0 || p >= n || seen[p]) {
        throw new IllegalArgumentException(
            "permute: " + Arrays.toString(permArg) + " is not a permutation of the " + n
                + " axes of " + a.shape);
      }
      seen[p] = true;
      perm[i] = p;
      shape[i] = a.shape.dims[p];
      identity &= p == i;
    }
    if (identity) {
      return a;
    }
    return view(a, "permute", shape, (base, st) -> {
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = st[perm[i]];
      }
      return packed(base, out);
    });
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
    if (step == 1 && start == 0 && end == n) {
      return a;
    }
    int[] shape = a.shape.toArray();
    shape[axis] = (end - start + step - 1) / step;
    return view(a, "slice", shape, (base, st) -> {
      int[] out = st.clone();
      out[axis] = st[axis] * step;
      return packed(base + start * st[axis], out);
    });
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
    int[] shape = new int[a.rank() - 1];
    for (int d = 0, j = 0; d < a.rank(); d++) {
      if (d != axis) {
        shape[j++] = a.shape.dims[d];
      }
    }
    return view(a, "select", shape, (base, st) -> {
      int[] out = new int[st.length - 1];
      for (int d = 0, j = 0; d < st.length; d++) {
        if (d != axis) {
          out[j++] = st[d];
        }
      }
      return packed(base + i * st[axis], out);
    });
  }

  static Tensor flip(Tensor a, int axisArg) {
    int axis = a.shape.axis(axisArg, "flip");
    int n = a.shape.dims[axis];
    if (n <= 1) {
      return a;
    }
    return view(a, "flip", a.shape.toArray(), (base, st) -> {
      int[] out = st.clone();
      out[axis] = -st[axis];
      return packed(base + (n - 1) * st[axis], out);
    });
  }

  static Tensor index(Tensor a, int axisArg, Tensor indices) {
    double[] d = indices.readDense();
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
    final int inner = a.size() == 0 ? 0 : a.size() / (outer * n);
    int m = idx.length;
    double[] src = a.readDense();
    double[] r = new double[outer * m * inner];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < m; k++) {
        System.arraycopy(src, (o * n + idx[k]) * inner, r, (o * m + k) * inner, inner);
      }
    }
    int[] shape = a.shape.toArray();
    shape[axis] = m;
    Tensor out = new Tensor(r, Shape.wrap(shape), a.dtype);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(out, "index",
        (g, grads) -> grads.add(0, indexAdd(g, axis, idx, a.shape, outer, inner)), a);
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
    double[] src = g.readDense();
    double[] r = new double[target.numel()];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < m; k++) {
        int from = (o * m + k) * inner;
        int dst = (o * n + idx[k]) * inner;
        for (int j = 0; j < inner; j++) {
          r[dst + j] += src[from + j];
        }
      }
    }
    Tensor out = new Tensor(r, target);
    return g.node() == null ? out
        : Autodiff.op(out, "indexAdd", (h, grads) -> grads.add(0, index(h, axis, idx)), g);
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
    int[] dims = new int[r];
    for (int d = 0, j = 0; d < r; d++) {
      dims[d] = d == axis ? parts.length : s.dims[j++];
    }
    Tensor out = latticeView(parts, axis, Shape.wrap(dims));
    if (out == null) {
      Tensor[] lifted = new Tensor[parts.length];
      for (int i = 0; i < parts.length; i++) {
        lifted[i] = parts[i].detach().unsqueeze(axis);
      }
      out = concat(axis, lifted);
    }
    boolean anyTracked = false;
    for (Tensor p : parts) {
      anyTracked |= p.node() != null;
    }
    if (!anyTracked) {
      return out;
    }
    // part i's gradient is the slice of the output's at position i: a view, no copy; when the
    // parts are views of one tensor at equal distances, so is the stack
    return Autodiff.op(out, "stack", (g, grads) -> {
      for (int i = 0; i < parts.length; i++) {
        if (grads.wants(i)) {
          grads.add(i, g.select(axis, i));
        }
      }
    }, viewLattice(parts, axis), parts);
  }

  /**
   * What the stack of {@code parts} along {@code axis} reads of one tracked tensor, when every
   * part is a recorded view of that tensor ({@link dev.ember.autodiff.Node#view()}) with the same
   * strides, at positions that step by one distance; else null.
   */
  private static ViewOf viewLattice(Tensor[] parts, int axis) {
    ViewOf v0 = parts[0].node() == null ? null : parts[0].node().view();
    if (v0 == null || (parts.length > 1 && parts[1].node() == null)) {
      return null;
    }
    ViewOf v1 = parts.length > 1 ? parts[1].node().view() : v0;
    if (v1 == null) {
      return null;
    }
    int[] st0 = v0.strides();
    int step = v1.base() - v0.base();
    for (int i = 0; i < parts.length; i++) {
      ViewOf v = parts[i].node() == null ? null : parts[i].node().view();
      if (v == null || v.input() != v0.input() || v.base() != v0.base() + i * step
          || !Arrays.equals(v.strides(), st0)) {
        return null;
      }
    }
    int[] strides = new int[st0.length + 1];
    for (int d = 0, j = 0; d < strides.length; d++) {
      strides[d] = d == axis ? step : st0[j++];
    }
    return new ViewOf(v0.input(), v0.base(), strides);
  }

  /**
   * The stack of {@code parts} along {@code axis} as a view, when they are views of one storage
   * with equal strides and type, made at one version, whose offsets step by one distance (the
   * rows of one tensor, in order, as a scan's per-step slices of a series are); else null.
   */
  private static Tensor latticeView(Tensor[] parts, int axis, Shape shape) {
    Tensor p0 = parts[0];
    int step = parts.length > 1 ? parts[1].offset - p0.offset : 0;
    for (int i = 0; i < parts.length; i++) {
      Tensor p = parts[i];
      if (p.storage != p0.storage || p.version != p0.version || p.dtype != p0.dtype
          || !Arrays.equals(p.strides, p0.strides) || p.offset != p0.offset + i * step) {
        return null;
      }
    }
    int[] strides = new int[shape.dims.length];
    for (int d = 0, j = 0; d < strides.length; d++) {
      strides[d] = d == axis ? step : p0.strides[j++];
    }
    return p0.detach().view(p0.offset, shape, strides);
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
    int outer = prefixSize(s0, axis);
    int inner = 1;
    for (int i = axis + 1; i < s0.rank(); i++) {
      inner *= s0.dims[i];
    }
    double[] r = new double[outer * total * inner];
    int[] offsets = new int[parts.length];
    int dst0 = 0;
    for (int p = 0; p < parts.length; p++) {
      int len = parts[p].shape.dims[axis] * inner;
      double[] src = parts[p].flat();
      int from = parts[p].flatOffset();
      for (int o = 0; o < outer; o++) {
        System.arraycopy(src, from + o * len, r, o * total * inner + dst0, len);
      }
      dst0 += len;
    }
    for (int p = 1; p < parts.length; p++) {
      offsets[p] = offsets[p - 1] + parts[p - 1].shape.dims[axis];
    }
    int[] shape = s0.toArray();
    shape[axis] = total;
    Tensor out = new Tensor(r, Shape.wrap(shape), allBool ? DType.BOOL : DType.FLOAT64);
    if (!anyTracked) {
      return out;
    }
    return Autodiff.op(out, "concat", (g, grads) -> {
      for (int i = 0; i < parts.length; i++) {
        if (grads.wants(i)) {
          grads.add(i, g.slice(axis, offsets[i], offsets[i] + parts[i].shape.dims[axis]));
        }
      }
    }, parts);
  }
}
