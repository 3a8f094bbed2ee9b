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
public final class Tensor implements Serializable {
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

  /** A view of {@code storage}, made at {@code version}. */
  Tensor(Storage storage, int offset, Shape shape, int[] strides, int version, DType dtype,
      Node node) {
    this(storage, offset, shape, strides, version, dtype, node,
        Strided.contiguous(strides, shape.dims), Strided.uniform(strides, shape.dims));
  }

  private Tensor(Storage storage, int offset, Shape shape, int[] strides, int version,
      DType dtype, Node node, boolean contiguous, boolean uniform) {
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
        value.dtype, node, value.contiguous, value.uniform);
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

  /** The same values, untracked: gradients stop here (JAX's {@code stop_gradient}). */
  public Tensor detach() {
    return node == null ? this
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

  // ---------------------------------------------------------------- elementwise arithmetic

  /** {@code this + other}, broadcast. */
  public Tensor add(Tensor other) {
    return Elementwise.add(this, other);
  }

  /** {@code this + c}. */
  public Tensor add(double c) {
    return Elementwise.addScalar(this, c);
  }

  /** {@code this - other}, broadcast. */
  public Tensor sub(Tensor other) {
    return Elementwise.sub(this, other);
  }

  /** {@code this - c}. */
  public Tensor sub(double c) {
    return Elementwise.addScalar(this, -c);
  }

  /** {@code c - this}. */
  public Tensor rsub(double c) {
    return Elementwise.rsubScalar(this, c);
  }

  /** {@code this * other}, broadcast. */
  public Tensor mul(Tensor other) {
    return Elementwise.mul(this, other);
  }

  /** {@code this * c}. */
  public Tensor mul(double c) {
    return Elementwise.mulScalar(this, c);
  }

  /**
   * {@code this * m + a}, broadcast, in one pass (rounded as a multiplication then an addition):
   * a reparameterized draw {@code eps * scale + loc} without the product as an intermediate.
   */
  public Tensor mulAdd(Tensor m, Tensor a) {
    return Elementwise.mulAdd(this, m, a);
  }

  /** {@code this / other}, broadcast. */
  public Tensor div(Tensor other) {
    return Elementwise.div(this, other);
  }

  /** {@code this / c}. */
  public Tensor div(double c) {
    return Elementwise.divScalar(this, c);
  }

  /** {@code this ^ other}, broadcast; the gradient in the exponent is taken where base > 0. */
  public Tensor pow(Tensor other) {
    return Elementwise.pow(this, other);
  }

  /** {@code this ^ p}. */
  public Tensor pow(double p) {
    return Elementwise.powScalar(this, p);
  }

  /** Elementwise minimum, broadcast; at ties the gradient is split evenly. */
  public Tensor minimum(Tensor other) {
    return Elementwise.minimum(this, other);
  }

  /** Elementwise maximum, broadcast; at ties the gradient is split evenly. */
  public Tensor maximum(Tensor other) {
    return Elementwise.maximum(this, other);
  }

  /** {@code -this}. */
  public Tensor neg() {
    return Elementwise.mulScalar(this, -1.0);
  }

  /** {@code e^this}. */
  public Tensor exp() {
    return Elementwise.exp(this);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return Elementwise.log(this);
  }

  /** {@code log(1 + this)}, accurate near 0. */
  public Tensor log1p() {
    return Elementwise.log1p(this);
  }

  /** {@code e^this - 1}, accurate near 0. */
  public Tensor expm1() {
    return Elementwise.expm1(this);
  }

  /** Square root. */
  public Tensor sqrt() {
    return Elementwise.sqrt(this);
  }

  /** Absolute value; subgradient 0 at 0. */
  public Tensor abs() {
    return Elementwise.abs(this);
  }

  /** -1, 0 or 1; zero gradient. */
  public Tensor sign() {
    return Elementwise.sign(this);
  }

  /** {@code this * this}. */
  public Tensor square() {
    return Elementwise.square(this);
  }

  /** {@code 1 / this}. */
  public Tensor reciprocal() {
    return Elementwise.reciprocal(this);
  }

  /** The logistic function {@code 1 / (1 + e^-x)}, stable for large |x|. */
  public Tensor sigmoid() {
    return Elementwise.sigmoid(this);
  }

  /** {@code log(sigmoid(x)) = -softplus(-x)}, stable for large |x|. */
  public Tensor logSigmoid() {
    return Elementwise.logSigmoid(this);
  }

  /** {@code log(1 + e^x)}, stable for large |x|. */
  public Tensor softplus() {
    return Elementwise.softplus(this);
  }

  /** Hyperbolic tangent. */
  public Tensor tanh() {
    return Elementwise.tanh(this);
  }

  /** Sine. */
  public Tensor sin() {
    return Elementwise.sin(this);
  }

  /** Cosine. */
  public Tensor cos() {
    return Elementwise.cos(this);
  }

  /** Largest integer not greater than each element; zero gradient. */
  public Tensor floor() {
    return Elementwise.floor(this);
  }

  /** {@code log Γ(x)} for x &gt; 0. */
  public Tensor logGamma() {
    return SpecialFunctions.logGamma(this);
  }

  /** The digamma function ψ(x) = d/dx log Γ(x). */
  public Tensor digamma() {
    return SpecialFunctions.digamma(this);
  }

  /**
   * The trigamma function ψ'(x). It is not itself differentiable (its derivative, polygamma of
   * order 2, is not available), so {@code logGamma} differentiates twice but not three times.
   *
   * <p>Note: Commons Numbers 1.2 evaluates it to about 7e-14 absolute rather than a few ulp (a
   * sign error in the {@code x^-7} term of its asymptotic series; relative error up to 3e-12 near
   * x = 49). Its documented accuracy is 1e-8.
   */
  public Tensor trigamma() {
    return SpecialFunctions.trigamma(this);
  }

  /** The error function. */
  public Tensor erf() {
    return SpecialFunctions.erf(this);
  }

  /** The inverse error function on (-1, 1). */
  public Tensor erfinv() {
    return SpecialFunctions.erfinv(this);
  }

  /** Clamps to {@code [lo, hi]}; the gradient passes where {@code lo <= x <= hi}. */
  public Tensor clamp(double lo, double hi) {
    return Elementwise.clamp(this, lo, hi);
  }

  /** {@code mask ? a : b}, all broadcast; {@code mask} must be boolean. */
  public static Tensor where(Tensor mask, Tensor a, Tensor b) {
    return Elementwise.where(mask, a, b);
  }

  // ---------------------------------------------------------------- comparisons and logic

  /** {@code this < other} as a boolean tensor. */
  public Tensor lt(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.LT);
  }

  /** {@code this <= other}. */
  public Tensor le(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.LE);
  }

  /** {@code this > other}. */
  public Tensor gt(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.GT);
  }

  /** {@code this >= other}. */
  public Tensor ge(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.GE);
  }

  /** {@code this == other}. */
  public Tensor eq(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.EQ);
  }

  /** {@code this != other}. */
  public Tensor ne(Tensor other) {
    return Elementwise.compare(this, other, Elementwise.Cmp.NE);
  }

  /** {@code this < c}. */
  public Tensor lt(double c) {
    return lt(scalar(c));
  }

  /** {@code this <= c}. */
  public Tensor le(double c) {
    return le(scalar(c));
  }

  /** {@code this > c}. */
  public Tensor gt(double c) {
    return gt(scalar(c));
  }

  /** {@code this >= c}. */
  public Tensor ge(double c) {
    return ge(scalar(c));
  }

  /** {@code this == c}. */
  public Tensor eq(double c) {
    return eq(scalar(c));
  }

  /** Boolean and, broadcast. */
  public Tensor and(Tensor other) {
    return Elementwise.logical(this, other, true);
  }

  /** Boolean or, broadcast. */
  public Tensor or(Tensor other) {
    return Elementwise.logical(this, other, false);
  }

  /** Boolean not. */
  public Tensor not() {
    return Elementwise.not(this);
  }

  /** Boolean: finite (not NaN, not infinite). */
  public Tensor isFinite() {
    return Elementwise.isFinite(this);
  }


  /**
   * Whether every element is finite: one branch-free pass over the distinct elements (one for a
   * constant fill), for validation on hot paths.
   */
  public boolean allFinite() {
    return ValueScans.allFinite(this);
  }

  /**
   * Whether every element is positive and finite (not zero, negative, infinite or NaN): one
   * branch-free pass over the distinct elements, for validation of scales on hot paths.
   */
  public boolean allPositiveFinite() {
    return ValueScans.allPositiveFinite(this);
  }

  /** The smallest element ({@code +inf} for an empty tensor, NaN if any element is NaN). */
  public double minValue() {
    return ValueScans.minValue(this);
  }

  /**
   * The first row-major position whose value fails {@code ok}, or -1 if all pass; reads the
   * values in place (validation without a copy).
   */
  public int firstViolation(java.util.function.DoublePredicate ok) {
    return ValueScans.firstViolation(this, ok);
  }

  /** Whether every element is non-zero (true). */
  public boolean all() {
    return firstViolation(v -> v != 0.0) < 0;
  }

  /** Whether some element is non-zero (true). */
  public boolean any() {
    return firstViolation(v -> v == 0.0) >= 0;
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements, shape {@code []}. */
  public Tensor sum() {
    return Reductions.sumAll(this);
  }

  /** Sum over {@code axis}, which is removed. */
  public Tensor sum(int axis) {
    return Reductions.sum(this, axis, false);
  }

  /** Sum over {@code axis}; with {@code keepDims} the axis stays with size 1. */
  public Tensor sum(int axis, boolean keepDims) {
    return Reductions.sum(this, axis, keepDims);
  }

  /** Sums broadcast dimensions away so the result has {@code target}'s shape. */
  public Tensor sumTo(Shape target) {
    return Reductions.sumTo(this, target);
  }

  /**
   * {@code mul(factor).sumTo(target)}; for a one-element target and untracked operands of one
   * shape a dot product, without the product as a tensor of its own.
   */
  public Tensor mulSumTo(Tensor factor, Shape target) {
    return Reductions.mulSumTo(this, factor, target);
  }

  /** Mean of all elements. */
  public Tensor mean() {
    return sum().div(shape.numel());
  }

  /** Mean over {@code axis}. */
  public Tensor mean(int axis) {
    return mean(axis, false);
  }

  /** Mean over {@code axis}, optionally keeping it. */
  public Tensor mean(int axis, boolean keepDims) {
    int n = shape.dims[shape.axis(axis, "mean")];
    return sum(axis, keepDims).div(n);
  }

  /** Product of all elements. */
  public Tensor prod() {
    return reshape(-1).prod(0);
  }

  /**
   * Product over {@code axis}. Its gradient is exact where elements are zero, but first-order
   * only: differentiating it twice throws {@link UnsupportedOperationException}.
   */
  public Tensor prod(int axis) {
    return Reductions.prod(this, axis, false);
  }

  /** Product over {@code axis}, optionally keeping it. */
  public Tensor prod(int axis, boolean keepDims) {
    return Reductions.prod(this, axis, keepDims);
  }

  /** Maximum of all elements. */
  public Tensor max() {
    return reshape(-1).max(0);
  }

  /** Maximum over {@code axis}; the gradient is split evenly among ties. */
  public Tensor max(int axis) {
    return Reductions.extreme(this, axis, false, true);
  }

  /** Maximum over {@code axis}, optionally keeping it. */
  public Tensor max(int axis, boolean keepDims) {
    return Reductions.extreme(this, axis, keepDims, true);
  }

  /** Minimum of all elements. */
  public Tensor min() {
    return reshape(-1).min(0);
  }

  /** Minimum over {@code axis}. */
  public Tensor min(int axis) {
    return Reductions.extreme(this, axis, false, false);
  }

  /** Minimum over {@code axis}, optionally keeping it. */
  public Tensor min(int axis, boolean keepDims) {
    return Reductions.extreme(this, axis, keepDims, false);
  }

  /** {@code log(sum(exp(x)))} of all elements, computed stably. */
  public Tensor logSumExp() {
    return reshape(-1).logSumExp(0);
  }

  /** {@code log(sum(exp(x)))} over {@code axis}, computed stably. */
  public Tensor logSumExp(int axis) {
    return Reductions.logSumExp(this, axis, false);
  }

  /** {@code log(sum(exp(x)))} over {@code axis}, optionally keeping it. */
  public Tensor logSumExp(int axis, boolean keepDims) {
    return Reductions.logSumExp(this, axis, keepDims);
  }

  /** Cumulative sum along {@code axis}. */
  public Tensor cumsum(int axis) {
    return Reductions.cumsum(this, axis);
  }

  /** Index of the maximum along {@code axis} (first among ties), as a float tensor. */
  public Tensor argmax(int axis) {
    return Reductions.argmax(this, axis);
  }

  // ---------------------------------------------------------------- shape operations

  /** The same values in a new shape; one dimension may be -1 (inferred). Shares storage. */
  public Tensor reshape(int... newShape) {
    return ShapeOps.reshape(this, newShape);
  }

  /** The same values in a new shape. Shares storage. */
  public Tensor reshape(Shape newShape) {
    return ShapeOps.reshape(this, newShape.toArray());
  }

  /** Broadcasts to {@code target} (NumPy's broadcast_to); the gradient is summed back. */
  public Tensor broadcastTo(Shape target) {
    return ShapeOps.broadcastTo(this, target);
  }

  /** Broadcasts to {@code target}. */
  public Tensor broadcastTo(int... target) {
    return ShapeOps.broadcastTo(this, Shape.of(target));
  }

  /** Removes every axis of size 1. */
  public Tensor squeeze() {
    return ShapeOps.squeeze(this);
  }

  /** Removes {@code axis}, which must have size 1. */
  public Tensor squeeze(int axis) {
    return ShapeOps.squeeze(this, axis);
  }

  /** Inserts an axis of size 1 at {@code axis} (in the result's numbering). */
  public Tensor unsqueeze(int axis) {
    return ShapeOps.unsqueeze(this, axis);
  }

  /** Swaps the last two axes (a matrix transpose, batched). */
  public Tensor transpose() {
    if (rank() < 2) {
      throw new IllegalArgumentException("transpose: needs rank >= 2, but shape is " + shape);
    }
    return transpose(-2, -1);
  }

  /** Swaps two axes. */
  public Tensor transpose(int a, int b) {
    int[] perm = new int[rank()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    int x = shape.axis(a, "transpose");
    int y = shape.axis(b, "transpose");
    perm[x] = y;
    perm[y] = x;
    return permute(perm);
  }

  /** Reorders the axes: result axis {@code i} is input axis {@code perm[i]}. */
  public Tensor permute(int... perm) {
    return ShapeOps.permute(this, perm);
  }

  /** Moves axis {@code from} to position {@code to}, keeping the others in order. */
  public Tensor moveAxis(int from, int to) {
    return ShapeOps.moveAxis(this, from, to);
  }

  /** Elements {@code [start, end)} along {@code axis}; negative bounds count from the end. */
  public Tensor slice(int axis, int start, int end) {
    return ShapeOps.slice(this, axis, start, end, 1);
  }

  /** Elements {@code start, start+step, ...} before {@code end} along {@code axis}. */
  public Tensor slice(int axis, int start, int end, int step) {
    return ShapeOps.slice(this, axis, start, end, step);
  }

  /** Position {@code i} along {@code axis}, which is removed. */
  public Tensor select(int axis, int i) {
    return ShapeOps.select(this, axis, i);
  }

  /** The entries at {@code indices} along {@code axis} (NumPy's take); repeats allowed. */
  public Tensor index(int axis, int... indices) {
    return ShapeOps.index(this, axis, indices);
  }

  /** {@link #index(int, int...)} with indices given as an integer-valued tensor. */
  public Tensor index(int axis, Tensor indices) {
    return ShapeOps.index(this, axis, indices);
  }

  /** Reverses the order along {@code axis}. */
  public Tensor flip(int axis) {
    return ShapeOps.flip(this, axis);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, Tensor... parts) {
    return ShapeOps.stack(axis, parts);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, java.util.List<Tensor> parts) {
    return ShapeOps.stack(axis, parts.toArray(new Tensor[0]));
  }

  /** Joins tensors along an existing axis. */
  public static Tensor concat(int axis, Tensor... parts) {
    return ShapeOps.concat(axis, parts);
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * Matrix product with NumPy's matmul rules: 1-D operands are promoted and the added axis
   * removed; leading (batch) axes broadcast. {@code [..., n, k] @ [..., k, m] -> [..., n, m]}.
   */
  public Tensor matmul(Tensor other) {
    return LinearAlgebra.matmul(this, other);
  }

  /** Lower Cholesky factor {@code L} of a symmetric positive-definite matrix, batched. */
  public Tensor cholesky() {
    return LinearAlgebra.cholesky(this);
  }

  /**
   * Solves {@code A X = B} for triangular {@code A} (this), batched.
   *
   * @param b right-hand side {@code [..., n, m]}
   * @param lower whether {@code A} is lower triangular (only that triangle is read)
   */
  public Tensor triangularSolve(Tensor b, boolean lower) {
    return LinearAlgebra.triangularSolve(this, b, lower);
  }

  /** {@code log det} of a symmetric positive-definite matrix via its Cholesky factor, batched. */
  public Tensor logDet() {
    return LinearAlgebra.cholesky(this).diagonal().log().sum(-1).mul(2.0);
  }

  /** The diagonal of the last two axes: {@code [..., n, n] -> [..., n]}. */
  public Tensor diagonal() {
    return LinearAlgebra.diagonal(this);
  }

  /** A diagonal matrix from the last axis: {@code [..., n] -> [..., n, n]}. */
  public Tensor diagEmbed() {
    return LinearAlgebra.diagEmbed(this);
  }

  /** The lower triangle (diagonal {@code k} and below) of the last two axes; the rest zero. */
  public Tensor tril(int k) {
    return LinearAlgebra.triangle(this, k, true);
  }

  /** The upper triangle (diagonal {@code k} and above) of the last two axes; the rest zero. */
  public Tensor triu(int k) {
    return LinearAlgebra.triangle(this, k, false);
  }

  // ---------------------------------------------------------------- text

  /** NumPy-like text, e.g. {@code tensor([[1.0, 2.0], [3.0, 4.0]])}; long tensors elided. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }
}
