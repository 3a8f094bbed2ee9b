// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.Node;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * An immutable n-dimensional array of {@code double}s with NumPy broadcasting: a view of a
 * {@link Storage} through an offset, a shape and strides.
 *
 * <p>Operations never change a tensor. Arithmetic returns a new tensor over new storage; {@code
 * select}, {@code slice}, {@code reshape}, {@code transpose}/{@code permute}, {@code
 * broadcastTo}, {@code squeeze}/{@code unsqueeze}, {@code flip}, {@code diagonal} and the
 * constant fills ({@code zeros}, {@code full}) are <i>views</i>: new offsets and strides over
 * the same storage, with no copy (a fill is one value read with stride 0). Kernels read strided
 * operands in place. Operations on <i>tracked</i> tensors (see {@link Autodiff}) record their
 * backward rule, so any function written with tensors can be differentiated. Shapes follow
 * NumPy: a scalar has shape {@code []}; binary operations broadcast by aligning shapes on the
 * right; negative axes count from the end. A shape error names the operation and both shapes:
 * {@code "add: cannot broadcast [3, 4] with [5]"}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3); // [2, 3]
 * Tensor y = x.mul(Tensor.of(10.0, 20.0, 30.0));              // [2, 3] * [3] -> [2, 3]
 * double total = y.sum().item();                               // 10+40+90+40+100+180 = 460
 * Tensor colMeans = x.mean(0);                                 // [3]: 2.5, 3.5, 4.5
 * Tensor col = x.transpose().select(0, 1);                     // [2]: 2, 5, a view of x
 * }</pre>
 *
 * <p>Storage is written only by an {@link OwnedBuffer} (the engine's gradient accumulators and
 * optimizer state); a tensor that views such a buffer and is read after a later write throws
 * {@link StaleTensorException}, so a tensor never shows two different values. Values enter and
 * leave as copies ({@link #of}, {@link #toArray}) or through a {@link TensorBuilder}, which
 * hands its array to the tensor and can write no more.
 *
 * <p>The operations are grouped by kind in package-private classes ({@code Elementwise}, {@code
 * SpecialFunctions}, {@code Reductions}, {@code ShapeOps}, {@code LinearAlgebra}); each keeps an
 * operation's backward rule next to its forward loop. Booleans ({@link DType#BOOL}) are stored as
 * 0/1 and come from comparisons; integers are stored exactly as doubles.
 */
public final class Tensor extends TensorStructure implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The elements this tensor views. */
  final transient Storage storage;

  /** Where element {@code [0, ..., 0]} lies in {@link #storage}. */
  final transient int offset;

  final transient Shape shape;

  /**
   * The step in {@link #storage} along each axis: element {@code idx} lies at {@code offset +
   * sum(idx[d] * strides[d])}; 0 on an axis read as one repeated value (a broadcast).
   */
  final transient int[] strides;

  /** The storage's {@link Storage#version()} when this view was made. */
  final transient int version;

  final transient DType dtype;

  /**
   * The elements are {@code storage[offset ..]} in row-major order (axes of size 1 may have any
   * stride).
   */
  final transient boolean contiguous;

  /** Every element is {@code storage[offset]} (a constant fill, a broadcast of one value). */
  final transient boolean uniform;

  /** The autodiff node that produced this tensor, or {@code null} for a constant. */
  private final transient Node node;

  /**
   * For a tensor made by {@link #expWithLog} (or a view of one): the tensor it is the
   * exponential of, through the same view; else {@code null}. See {@link #keptLog}.
   */
  private final transient Tensor exponent;

  /** A view of {@code storage}, made at {@code version}. */
  Tensor(Storage storage, int offset, Shape shape, int[] strides, int version, DType dtype,
      Node node) {
    this(storage, offset, shape, strides, version, dtype, node,
        Strided.contiguous(strides, shape.dims), Strided.uniform(strides, shape.dims));
  }

  private Tensor(Storage storage, int offset, Shape shape, int[] strides, int version,
      DType dtype, Node node, boolean contiguous, boolean uniform) {
    this(storage, offset, shape, strides, version, dtype, node, contiguous, uniform, null);
  }

  private Tensor(Storage storage, int offset, Shape shape, int[] strides, int version,
      DType dtype, Node node, boolean contiguous, boolean uniform, Tensor exponent) {
    this.exponent = exponent;
    this.storage = storage;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    this.version = version;
    this.dtype = dtype;
    this.node = node;
    this.contiguous = contiguous;
    this.uniform = uniform;
  }

  /** A tensor over a new array, row-major, that no one else refers to. */
  Tensor(double[] fresh, Shape shape, DType dtype) {
    this(new HeapStorage(fresh), 0, shape, shape.rowMajor, 0, dtype, null, true,
        shape.numel() <= 1);
  }

  Tensor(double[] fresh, Shape shape) {
    this(fresh, shape, DType.FLOAT64);
  }

  /** Another view of this tensor's storage, at this tensor's version, untracked. */
  Tensor view(int viewOffset, Shape viewShape, int[] viewStrides) {
    return new Tensor(storage, viewOffset, viewShape, viewStrides, version, dtype, null);
  }

  static Tensor bool(double[] fresh, Shape shape) {
    return new Tensor(fresh, shape, DType.BOOL);
  }

  /** One value read at every position: a view with all strides 0. */
  private static Tensor filled(double value, Shape shape, DType dtype) {
    return new Tensor(new HeapStorage(new double[] {value}), 0, shape,
        new int[shape.dims.length], 0, dtype, null);
  }

  // ---------------------------------------------------------------- reading storage

  /**
   * The heap array of the storage (to be read from {@link #offset} through {@link #strides};
   * never written).
   *
   * @throws StaleTensorException if the storage was written after this view was made
   */
  double[] array() {
    Storage s = storage;
    if (s instanceof HeapStorage h) {
      if (h.version != version) {
        throw stale();
      }
      return h.values;
    }
    if (s.version() != version) {
      throw stale();
    }
    double[] copy = new double[s.length()]; // another storage: read through a heap copy
    s.copyTo(0, copy, 0, copy.length);
    return copy;
  }

  private StaleTensorException stale() {
    return new StaleTensorException(
        "a tensor of shape " + shape + " was read after the buffer it views was written (its "
            + "version " + version + ", the buffer's " + storage.version() + "); take a new "
            + "view of the buffer, or copy the tensor before the write");
  }

  /**
   * The values in row-major order, {@link #size()} of them: the storage's own array when this
   * tensor is all of it in order (never to be written), else a new array.
   */
  double[] readDense() {
    double[] a = array();
    if (contiguous && offset == 0 && a.length == shape.numel()) {
      return a;
    }
    return Strided.gather(a, offset, strides, shape.dims);
  }

  /**
   * The values as a run {@code flat()[flatOffset() + i]}, {@code i < size()}: the storage itself
   * when contiguous, else a row-major copy (offset 0). Call each once per operand.
   */
  double[] flat() {
    return contiguous ? array() : Strided.gather(array(), offset, strides, shape.dims);
  }

  /** The offset of {@link #flat()}'s run. */
  int flatOffset() {
    return contiguous ? offset : 0;
  }

  /** Element {@code i} in row-major order. */
  double valueAt(int i) {
    double[] a = array();
    if (contiguous) {
      return a[offset + i];
    }
    int p = offset;
    int rest = i;
    for (int d = shape.dims.length - 1; d >= 0; d--) {
      int n = shape.dims[d];
      p += (rest % n) * strides[d];
      rest /= n;
    }
    return a[p];
  }

  // ---------------------------------------------------------------- factories

  /** A scalar, shape {@code []}. */
  public static Tensor scalar(double v) {
    return new Tensor(new double[] {v}, Shape.SCALAR);
  }

  /** A vector, shape {@code [values.length]} (the array is copied). */
  public static Tensor of(double... values) {
    return new Tensor(values.clone(), Shape.of(values.length));
  }

  /**
   * A tensor of the given shape from row-major values (copied).
   *
   * @throws IllegalArgumentException if {@code values.length} is not the product of {@code shape}
   */
  public static Tensor of(double[] values, int... shape) {
    return of(values, Shape.of(shape));
  }

  /** A tensor of the given shape from row-major values (copied). */
  public static Tensor of(double[] values, Shape shape) {
    if (values.length != shape.numel()) {
      throw new IllegalArgumentException(
          "Tensor.of: " + values.length + " values cannot fill shape " + shape + " ("
              + shape.numel() + " elements)");
    }
    return new Tensor(values.clone(), shape);
  }

  /**
   * A builder that fills a new tensor of {@code shape} element by element (or block by block)
   * and then hands its array to the tensor without a copy: for samplers and kernels outside this
   * package that compute a fresh result.
   */
  public static TensorBuilder builder(Shape shape) {
    return new TensorBuilder(shape);
  }

  /** A matrix from rows of equal length. */
  public static Tensor of(double[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] d = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException(
            "Tensor.of: row " + i + " has " + rows[i].length + " values, expected " + cols);
      }
      System.arraycopy(rows[i], 0, d, i * cols, cols);
    }
    return new Tensor(d, Shape.of(rows.length, cols));
  }

  /** A boolean tensor, shape {@code [values.length]}. */
  public static Tensor ofBooleans(boolean... values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i] ? 1.0 : 0.0;
    }
    return bool(d, Shape.of(values.length));
  }

  /** A boolean tensor of the given shape filled with {@code value} (a view of one value). */
  public static Tensor fullBoolean(boolean value, int... shape) {
    return filled(value ? 1.0 : 0.0, Shape.of(shape), DType.BOOL);
  }

  /** Zeros of the given shape (a view of one value). */
  public static Tensor zeros(int... shape) {
    return zeros(Shape.of(shape));
  }

  /** Zeros of the given shape (a view of one value). */
  public static Tensor zeros(Shape shape) {
    return filled(0.0, shape, DType.FLOAT64);
  }

  /** Ones of the given shape (a view of one value). */
  public static Tensor ones(int... shape) {
    return full(1.0, Shape.of(shape));
  }

  /** Ones of the given shape (a view of one value). */
  public static Tensor ones(Shape shape) {
    return full(1.0, shape);
  }

  /** A tensor of the given shape filled with {@code value} (a view of one value). */
  public static Tensor full(double value, int... shape) {
    return full(value, Shape.of(shape));
  }

  /** A tensor of the given shape filled with {@code value} (a view of one value). */
  public static Tensor full(double value, Shape shape) {
    return filled(value, shape, DType.FLOAT64);
  }

  /**
   * {@code [0, 1, ..., n-1]}; for {@code n <= 16384} a view of one constant table (a plate's
   * indices, made at every entry of the plate, then cost no array).
   */
  public static Tensor arange(int n) {
    if (n >= 0 && n <= ArangeTable.VALUES.length) {
      return ArangeTable.STORAGE_VIEW.view(0, Shape.of(n), new int[] {1});
    }
    return arange(0, n, 1);
  }

  /** The values {@code 0 .. 16383}, computed once: a constant, never written. */
  private static final class ArangeTable {
    static final double[] VALUES = new double[1 << 14];

    static {
      for (int i = 0; i < VALUES.length; i++) {
        VALUES[i] = i;
      }
    }

    static final Tensor STORAGE_VIEW = new Tensor(VALUES, Shape.of(VALUES.length));
  }

  /** {@code start, start+step, ...} up to but excluding {@code stop}, as NumPy's arange. */
  public static Tensor arange(double start, double stop, double step) {
    if (step == 0 || !Double.isFinite(start) || !Double.isFinite(stop)) {
      throw new IllegalArgumentException(
          "arange: need finite start/stop and step != 0, got " + start + ", " + stop + ", " + step);
    }
    int n = (int) Math.max(0, Math.ceil((stop - start) / step));
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = start + i * step;
    }
    return new Tensor(d, Shape.of(n));
  }

  /** {@code num} evenly spaced values from {@code start} to {@code stop} inclusive. */
  public static Tensor linspace(double start, double stop, int num) {
    if (num < 0) {
      throw new IllegalArgumentException("linspace: num must be >= 0, got " + num);
    }
    double[] d = new double[num];
    double step = num > 1 ? (stop - start) / (num - 1) : 0;
    for (int i = 0; i < num; i++) {
      d[i] = start + i * step;
    }
    if (num > 1) {
      d[num - 1] = stop;
    }
    return new Tensor(d, Shape.of(num));
  }

  /** The {@code n x n} identity matrix. */
  public static Tensor eye(int n) {
    double[] d = new double[n * n];
    for (int i = 0; i < n; i++) {
      d[i * n + i] = 1.0;
    }
    return new Tensor(d, Shape.of(n, n));
  }

  /** Zeros shaped like {@code t}. */
  public static Tensor zerosLike(Tensor t) {
    return zeros(t.shape);
  }

  /** Ones shaped like {@code t}. */
  public static Tensor onesLike(Tensor t) {
    return ones(t.shape);
  }

  /**
   * {@code value}'s view with an autodiff node; for {@link Autodiff} only (a {@link Node} can only
   * be made there).
   */
  public static Tensor withNode(Tensor value, Node node) {
    return new Tensor(value.storage, value.offset, value.shape, value.strides, value.version,
        value.dtype, node, value.contiguous, value.uniform, value.exponent);
  }

  /** This tensor, which is {@code e^exponent} element by element, keeping {@code exponent}. */
  Tensor withExponent(Tensor exponent) {
    return new Tensor(storage, offset, shape, strides, version, dtype, node, contiguous, uniform,
        exponent);
  }

  /** The kept exponent as it is ({@link #keptLog} without its checks), for the view code. */
  Tensor exponent() {
    return exponent;
  }

  /**
   * The log of this tensor's values kept by {@link #expWithLog} (or by the view of such a tensor
   * that this is: the same view of it), exactly, or {@code null}: when this tensor was made
   * otherwise, or when the kept tensor views a buffer written since ({@link OwnedBuffer}), which
   * is then not read. Its gradient goes to the kept tensor itself, not through this one: use it
   * where that is meant, as a density at a draw written in log-space ({@code
   * Normal.logProbSum(value, intermediates)}). {@link #log()} is always the log of the values.
   *
   * <pre>{@code
   * Tensor u = Tensor.of(0.0, 1.0);
   * Tensor scale = u.expWithLog(); // [1, e]
   * scale.keptLog();               // u: [0, 1], exactly
   * scale.select(0, 1).keptLog();  // [1]: u.select(0, 1)
   * u.exp().keptLog();             // null
   * }</pre>
   */
  public Tensor keptLog() {
    Tensor e = exponent;
    return e == null || e.version != e.storage.version() ? null : e;
  }

  // ---------------------------------------------------------------- accessors

  /** The shape. */
  public Shape shape() {
    return shape;
  }

  /** The dimensions as a new array. */
  public int[] dims() {
    return shape.toArray();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.dims.length;
  }

  /** Number of elements. */
  public int size() {
    return shape.numel();
  }

  /** Size of {@code axis} (negative counts from the end). */
  public int dim(int axis) {
    return shape.dim(axis);
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** Whether this is a boolean tensor. */
  public boolean isBool() {
    return dtype == DType.BOOL;
  }

  /** The autodiff node that produced this tensor, or {@code null} for a constant. */
  public Node node() {
    return node;
  }

  /** Whether gradients flow through this tensor. */
  public boolean isTracked() {
    return node != null;
  }

  /** The storage this tensor views (shared with every view of it). */
  public Storage storage() {
    return storage;
  }

  /** Where element {@code [0, ..., 0]} lies in {@link #storage()}. */
  public int offset() {
    return offset;
  }

  /** The step in {@link #storage()} along each axis (0 where a value is repeated), a copy. */
  public int[] strides() {
    return strides.clone();
  }

  /** Whether this tensor views the same storage as {@code other} (neither copies the other). */
  public boolean sharesStorage(Tensor other) {
    return storage == other.storage;
  }

  /** Whether the elements lie in row-major order one after another in the storage. */
  public boolean isContiguous() {
    return contiguous;
  }

  /** The value of a one-element tensor. */
  public double item() {
    if (shape.numel() != 1) {
      throw new IllegalStateException(
          "item: needs a tensor with one element, but shape is " + shape);
    }
    return array()[offset];
  }

  /** The element at the given index (one index per axis). */
  public double get(int... index) {
    if (index.length != shape.dims.length) {
      throw new IllegalArgumentException(
          "get: " + index.length + " indices for a tensor of shape " + shape);
    }
    int off = offset;
    for (int i = 0; i < index.length; i++) {
      int d = shape.dims[i];
      int k = index[i] < 0 ? index[i] + d : index[i];
      if (k < 0 || k >= d) {
        throw new IndexOutOfBoundsException(
            "get: index " + index[i] + " out of range for axis " + i + " of shape " + shape);
      }
      off += k * strides[i];
    }
    return array()[off];
  }

  /** The values, row-major, as a new array. */
  public double[] toArray() {
    double[] d = readDense();
    return d == array() ? d.clone() : d;
  }

  /** The same values in a storage of their own, row-major (no view of anything else). */
  public Tensor copy() {
    double[] d = toArray();
    Tensor out = new Tensor(d, shape, dtype);
    return node == null ? out : Autodiff.op(out, "copy", (g, grads) -> grads.add(0, g), this);
  }

  /** A matrix's rows as new arrays. */
  public double[][] toArray2d() {
    if (rank() != 2) {
      throw new IllegalStateException("toArray2d: needs a matrix, but shape is " + shape);
    }
    int r = shape.dims[0];
    int c = shape.dims[1];
    double[] d = readDense();
    double[][] out = new double[r][];
    for (int i = 0; i < r; i++) {
      out[i] = Arrays.copyOfRange(d, i * c, (i + 1) * c);
    }
    return out;
  }

  /**
   * The same values, untracked: gradients stop here (JAX's {@code stop_gradient}). A log kept by
   * {@link #expWithLog} is dropped, so that a new variable made from these values ({@code
   * Autodiff.track}) takes its log from its own values.
   */
  public Tensor detach() {
    return node == null && exponent == null ? this
        : new Tensor(storage, offset, shape, strides, version, dtype, null, contiguous, uniform);
  }

  /** Synonym of {@link #detach()}, named as in JAX. */
  public Tensor stopGradient() {
    return detach();
  }

  /** The same values as {@link DType#FLOAT64} (booleans become 0.0/1.0). */
  public Tensor toFloat() {
    return dtype == DType.FLOAT64 ? this
        : new Tensor(storage, offset, shape, strides, version, DType.FLOAT64, null, contiguous,
            uniform);
  }

  /** Whether all elements are within {@code atol + rtol * |other|} of {@code other}'s. */
  public boolean allClose(Tensor other, double rtol, double atol) {
    if (!shape.equals(other.shape)) {
      return false;
    }
    double[] x = readDense();
    double[] y = other.readDense();
    for (int i = 0; i < x.length; i++) {
      double a = x[i];
      double b = y[i];
      if (a == b) {
        continue;
      }
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- serialization

  /** Serialized as its values in row-major order, so that a view does not carry its storage. */
  private Object writeReplace() {
    return new Serialized(toArray(), shape.toArray(), dtype);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a Tensor is read through its serialized form");
  }

  /** The serialized form: values, dimensions and element type. */
  private record Serialized(double[] values, int[] dims, DType dtype) implements Serializable {
    private static final long serialVersionUID = 1L;

    private Object readResolve() {
      return new Tensor(values.clone(), Shape.of(dims), dtype);
    }
  }

  @Override
  Tensor self() {
    return this;
  }

  // ---------------------------------------------------------------- text

  /** NumPy-like text, e.g. {@code tensor([[1.0, 2.0], [3.0, 4.0]])}; long tensors elided. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }
}
