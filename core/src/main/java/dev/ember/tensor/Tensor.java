// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.Node;
import java.io.Serializable;
import java.util.Arrays;

/**
 * An immutable n-dimensional array of {@code double}s, row-major, with NumPy broadcasting.
 *
 * <p>Every operation returns a new tensor and allocates only its result. Operations on
 * <i>tracked</i> tensors (see {@link Autodiff}) record their backward rule, so any function
 * written with tensors can be differentiated. Shapes follow NumPy: a scalar has shape {@code []};
 * binary operations broadcast by aligning shapes on the right; negative axes count from the end.
 * A shape error names the operation and both shapes: {@code "add: cannot broadcast [3, 4] with
 * [5]"}.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3); // [2, 3]
 * Tensor y = x.mul(Tensor.of(10.0, 20.0, 30.0));              // [2, 3] * [3] -> [2, 3]
 * double total = y.sum().item();                               // 10+40+90+40+100+180 = 460
 * Tensor colMeans = x.mean(0);                                 // [3]: 2.5, 3.5, 4.5
 * }</pre>
 *
 * <p>The operations are grouped by kind in package-private classes ({@code Elementwise}, {@code
 * SpecialFunctions}, {@code Reductions}, {@code ShapeOps}, {@code LinearAlgebra}); each keeps an
 * operation's backward rule next to its forward loop. Booleans ({@link DType#BOOL}) are stored as
 * 0/1 and come from comparisons; integers are stored exactly as doubles.
 */
public final class Tensor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Row-major values; never written after construction. */
  final double[] data;

  final Shape shape;
  final DType dtype;

  /** The autodiff node that produced this tensor, or {@code null} for a constant. */
  private final transient Node node;

  /**
   * Where this tensor was read from if it is {@code base.select(0, i)}, else null: stacking all
   * the rows of one base in order then gives back the base's values without a copy.
   */
  final transient ShapeOps.Row row;

  /** The elementwise log of the values if known from how they were made, else null. */
  final transient KnownLog knownLog;

  /** Recent gathers of this tensor when it is untracked ({@link GatherMemo}), or null. */
  transient java.lang.ref.SoftReference<GatherMemo> gathers;

  /**
   * {@link #allFinite()} once computed (1 finite, 2 not; 0 not yet): the values never change, so
   * data validated at every step (a scan's observed rows) is checked once.
   */
  private transient byte finiteness;

  Tensor(double[] data, Shape shape, DType dtype, Node node) {
    this(data, shape, dtype, node, null, null);
  }

  Tensor(double[] data, Shape shape, DType dtype, Node node, ShapeOps.Row row) {
    this(data, shape, dtype, node, row, null);
  }

  Tensor(double[] data, Shape shape, DType dtype, Node node, ShapeOps.Row row,
      KnownLog knownLog) {
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.node = node;
    this.row = row;
    this.knownLog = knownLog;
  }

  Tensor(double[] data, Shape shape) {
    this(data, shape, DType.FLOAT64, null);
  }

  static Tensor bool(double[] data, Shape shape) {
    return new Tensor(data, shape, DType.BOOL, null);
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
   * A tensor that takes ownership of {@code values} without copying: for code that has just
   * computed a fresh array (samplers, kernels). The caller must not write to the array afterwards.
   */
  public static Tensor adopt(double[] values, Shape shape) {
    if (values.length != shape.numel()) {
      throw new IllegalArgumentException(
          "Tensor.adopt: " + values.length + " values cannot fill shape " + shape);
    }
    return new Tensor(values, shape);
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

  /** A boolean tensor of the given shape filled with {@code value}. */
  public static Tensor fullBoolean(boolean value, int... shape) {
    Shape s = Shape.of(shape);
    double[] d = new double[s.numel()];
    if (value) {
      Arrays.fill(d, 1.0);
    }
    return bool(d, s);
  }

  /** Zeros of the given shape. */
  public static Tensor zeros(int... shape) {
    return zeros(Shape.of(shape));
  }

  /** Zeros of the given shape. */
  public static Tensor zeros(Shape shape) {
    return new Tensor(Filled.of(0.0, shape.numel()), shape);
  }

  /** Ones of the given shape. */
  public static Tensor ones(int... shape) {
    return full(1.0, Shape.of(shape));
  }

  /** Ones of the given shape. */
  public static Tensor ones(Shape shape) {
    return full(1.0, shape);
  }

  /** A tensor of the given shape filled with {@code value}. */
  public static Tensor full(double value, int... shape) {
    return full(value, Shape.of(shape));
  }

  /** A tensor of the given shape filled with {@code value}. */
  public static Tensor full(double value, Shape shape) {
    return new Tensor(Filled.of(value, shape.numel()), shape);
  }

  /** {@code [0, 1, ..., n-1]}. */
  public static Tensor arange(int n) {
    return arange(0, n, 1);
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
   * {@code value}'s data with an autodiff node; for {@link Autodiff} only (a {@link Node} can
   * only be made there).
   */
  public static Tensor withNode(Tensor value, Node node) {
    return new Tensor(value.data, value.shape, value.dtype, node, value.row, value.knownLog);
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
    return data.length;
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

  /** The value of a one-element tensor. */
  public double item() {
    if (data.length != 1) {
      throw new IllegalStateException(
          "item: needs a tensor with one element, but shape is " + shape);
    }
    return data[0];
  }

  /** The element at the given index (one index per axis). */
  public double get(int... index) {
    if (index.length != shape.dims.length) {
      throw new IllegalArgumentException(
          "get: " + index.length + " indices for a tensor of shape " + shape);
    }
    int off = 0;
    for (int i = 0; i < index.length; i++) {
      int d = shape.dims[i];
      int k = index[i] < 0 ? index[i] + d : index[i];
      if (k < 0 || k >= d) {
        throw new IndexOutOfBoundsException(
            "get: index " + index[i] + " out of range for axis " + i + " of shape " + shape);
      }
      off = off * d + k;
    }
    return data[off];
  }

  /** The values, row-major, as a new array. */
  public double[] toArray() {
    return data.clone();
  }

  /**
   * The values, row-major, without a copy: for kernels outside this package that read large
   * tensors once (an optimizer's update). The caller must not write to the array; it is this
   * tensor's own storage (the counterpart of {@link #adopt}).
   */
  public double[] sharedValues() {
    return data;
  }

  /**
   * Adds this tensor's values into {@code target} (row-major, same number of elements): for
   * gradient accumulators that own their buffer.
   */
  public void addTo(double[] target) {
    if (target.length != data.length) {
      throw new IllegalArgumentException(
          "addTo: " + data.length + " values cannot be added into " + target.length);
    }
    for (int i = 0; i < data.length; i++) {
      target[i] += data[i];
    }
  }

  /** A matrix's rows as new arrays. */
  public double[][] toArray2d() {
    if (rank() != 2) {
      throw new IllegalStateException("toArray2d: needs a matrix, but shape is " + shape);
    }
    int r = shape.dims[0];
    int c = shape.dims[1];
    double[][] out = new double[r][];
    for (int i = 0; i < r; i++) {
      out[i] = Arrays.copyOfRange(data, i * c, (i + 1) * c);
    }
    return out;
  }

  /** The same values, untracked: gradients stop here (JAX's {@code stop_gradient}). */
  public Tensor detach() {
    return node == null ? this : new Tensor(data, shape, dtype, null, null, knownLog);
  }

  /** Synonym of {@link #detach()}, named as in JAX. */
  public Tensor stopGradient() {
    return detach();
  }

  /** The same values as {@link DType#FLOAT64} (booleans become 0.0/1.0). */
  public Tensor toFloat() {
    return dtype == DType.FLOAT64 ? this : new Tensor(data, shape);
  }

  /** Whether all elements are within {@code atol + rtol * |other|} of {@code other}'s. */
  public boolean allClose(Tensor other, double rtol, double atol) {
    if (!shape.equals(other.shape)) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      double a = data[i];
      double b = other.data[i];
      if (a == b) {
        continue;
      }
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        return false;
      }
    }
    return true;
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
   * Whether every element is finite: one branch-free pass, for validation on hot paths.
   */
  public boolean allFinite() {
    if (knownLog != null) {
      return true; // exps of arguments whose results are normal finite doubles
    }
    if (finiteness != 0) {
      return finiteness == 1;
    }
    boolean finite = computeAllFinite();
    finiteness = finite ? (byte) 1 : (byte) 2;
    return finite;
  }

  private boolean computeAllFinite() {
    // x * 0 is 0 for finite x and NaN otherwise. Four independent sums: one sum is a chain of
    // dependent adds (the JIT may not reorder floating-point adds), four keep the adder busy.
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int n = data.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      a0 += data[i] * 0.0;
      a1 += data[i + 1] * 0.0;
      a2 += data[i + 2] * 0.0;
      a3 += data[i + 3] * 0.0;
    }
    for (; i < n; i++) {
      a0 += data[i] * 0.0;
    }
    return a0 + a1 + a2 + a3 == 0;
  }

  /**
   * Whether every element is positive and finite (not zero, negative, infinite or NaN): one
   * branch-free pass, for validation of scales on hot paths.
   */
  public boolean allPositiveFinite() {
    if (knownLog != null) {
      return true; // exps of arguments whose results are normal finite doubles
    }
    // As raw bits the positive finite doubles are exactly the longs 1 .. MAX_BITS, so any other
    // value sets the sign bit of bits (negative, -0), of bits - 1 (+0) or of MAX_BITS - bits
    // (infinity, NaN).
    final long maxBits = Double.doubleToRawLongBits(Double.MAX_VALUE);
    long acc = 0;
    for (double v : data) {
      long bits = Double.doubleToRawLongBits(v);
      acc |= bits | (bits - 1) | (maxBits - bits);
    }
    return acc >= 0;
  }

  /** The smallest element ({@code +inf} for an empty tensor, NaN if any element is NaN). */
  public double minValue() {
    double m = Double.POSITIVE_INFINITY;
    for (double v : data) {
      m = Math.min(m, v);
    }
    return m;
  }

  /**
   * The first row-major position whose value fails {@code ok}, or -1 if all pass; reads the
   * values in place (validation without a copy).
   */
  public int firstViolation(java.util.function.DoublePredicate ok) {
    for (int i = 0; i < data.length; i++) {
      if (!ok.test(data[i])) {
        return i;
      }
    }
    return -1;
  }

  /** Whether every element is non-zero (true). */
  public boolean all() {
    for (double v : data) {
      if (v == 0.0) {
        return false;
      }
    }
    return true;
  }

  /** Whether some element is non-zero (true). */
  public boolean any() {
    for (double v : data) {
      if (v != 0.0) {
        return true;
      }
    }
    return false;
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

  /** Mean of all elements. */
  public Tensor mean() {
    return sum().div(data.length);
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
