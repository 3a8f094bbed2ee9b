// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.util.Arrays;

/**
 * A row-major buffer of doubles that one owner writes in place: the autodiff engine's gradient
 * accumulators and an optimizer's params and moments during a fit. It is the only thing that
 * writes storage. Tensors read it through {@link #view()}; every write first increases the
 * storage's version, so a view made before the write throws {@link StaleTensorException} when it
 * is read afterwards, instead of showing new values under an old tensor.
 *
 * <pre>{@code
 * OwnedBuffer sum = OwnedBuffer.copyOf(Tensor.of(1.0, 2.0));
 * Tensor before = sum.view();           // [1, 2], no copy
 * sum.add(Tensor.of(10.0, 10.0));       // in place
 * sum.view();                           // [11, 12]
 * before.get(0);                        // throws StaleTensorException
 * Tensor kept = sum.snapshot();         // a copy, never stale
 * }</pre>
 *
 * <p>A buffer may also be a block of a larger array ({@link #zerosInBlock}): a gradient summed
 * where the gradient of a tensor it is handed on to lies, so that this tensor's sum can take the
 * whole array over ({@link #whole}) without copying the block.
 *
 * <p>Not thread-safe: an owner writes from one thread at a time.
 */
public final class OwnedBuffer {
  private final Shape shape;
  private final HeapStorage storage;
  /** Where element 0 lies in the storage's array. */
  private final int at;

  private OwnedBuffer(double[] values, Shape shape) {
    this(new HeapStorage(values), 0, shape);
  }

  private OwnedBuffer(HeapStorage storage, int at, Shape shape) {
    this.shape = shape;
    this.storage = storage;
    this.at = at;
  }

  /** A buffer over {@code fresh}, a new array that nothing else refers to (this package). */
  static OwnedBuffer wrap(double[] fresh, Shape shape) {
    return new OwnedBuffer(fresh, shape);
  }

  /** Zeros of {@code shape}. */
  public static OwnedBuffer zeros(Shape shape) {
    return new OwnedBuffer(new double[shape.numel()], shape);
  }

  /**
   * Zeros of {@code shape} at row-major positions {@code base} to {@code base + shape.numel() - 1}
   * of a new array of {@code whole}'s size: the buffer is that block, and {@link #whole} the
   * array, all of whose other positions are zeros until it is written.
   *
   * <pre>{@code
   * OwnedBuffer rows = OwnedBuffer.zerosInBlock(Shape.of(3, 2), 2, Shape.of(2, 2));
   * rows.add(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
   * rows.whole(Shape.of(3, 2)).view();  // [[0, 0], [1, 2], [3, 4]]
   * }</pre>
   *
   * @throws IllegalArgumentException if the block does not lie inside {@code whole}
   */
  public static OwnedBuffer zerosInBlock(Shape whole, int base, Shape shape) {
    requireBlock("zerosInBlock", whole, shape.numel(), base);
    return new OwnedBuffer(new HeapStorage(new double[whole.numel()]), base, shape);
  }

  /**
   * The buffer over the whole array that this one lies in, of {@code shape}: the same storage,
   * written by whoever takes it over; this buffer is then not to be written again. For a buffer
   * made as a whole array, a buffer over it of another shape of the same size.
   *
   * @throws IllegalArgumentException if {@code shape} is not the array's size
   */
  public OwnedBuffer whole(Shape shape) {
    if (shape.numel() != storage.values.length) {
      throw new IllegalArgumentException("OwnedBuffer.whole: shape " + shape + " has "
          + shape.numel() + " elements, but the array holds " + storage.values.length);
    }
    return new OwnedBuffer(storage, 0, shape);
  }

  /**
   * Where this buffer lies in the array of {@link #whole}: its first element's position, or -1
   * when it is a whole array of its own.
   */
  public int blockBase() {
    return at == 0 && storage.values.length == shape.numel() ? -1 : at;
  }

  /** A buffer holding a copy of {@code t}'s values. */
  public static OwnedBuffer copyOf(Tensor t) {
    return new OwnedBuffer(t.toArray(), t.shape);
  }

  /** A buffer holding {@code a + b} (both of one shape), computed in one pass. */
  public static OwnedBuffer sumOf(Tensor a, Tensor b) {
    requireShape("sumOf", a.shape, b.shape);
    double[] r = new double[a.size()];
    Elementwise.addInto(a, b, a.shape, r, 0);
    return new OwnedBuffer(r, a.shape);
  }

  /** A buffer holding {@code g * f} (broadcast to this result's shape), computed in one pass. */
  public static OwnedBuffer productOf(Tensor g, Tensor f) {
    Shape s = Shape.broadcast(g.shape, f.shape, "productOf");
    double[] r = new double[s.numel()];
    Elementwise.mulInto(g, f, s, r, 0);
    return new OwnedBuffer(r, s);
  }

  /** A buffer holding {@code g * f + c}, where {@code g * f} broadcasts to {@code c}'s shape. */
  public static OwnedBuffer productPlus(Tensor g, Tensor f, Tensor c) {
    Shape s = Shape.broadcast(g.shape, f.shape, "productPlus");
    requireShape("productPlus", c.shape, s);
    double[] r = new double[s.numel()];
    Elementwise.mulAddInto(g, f, c, s, r, 0);
    return new OwnedBuffer(r, s);
  }

  /**
   * A buffer of {@code shape} holding {@code g} at row-major positions {@code base} to {@code base
   * + g.size() - 1}, in order, and zeros elsewhere: a gradient of which only the block that one
   * view reads has a contribution yet. A block read from one run of an array is copied straight
   * into the new array, so that only the rest of it is zeroed first.
   *
   * <pre>{@code
   * OwnedBuffer.withBlock(Shape.of(3, 2), Tensor.of(5.0, 6.0), 2).view(); // [[0, 0], [5, 6], [0, 0]]
   * }</pre>
   *
   * @throws IllegalArgumentException if the block does not lie inside the buffer
   */
  public static OwnedBuffer withBlock(Shape shape, Tensor g, int base) {
    requireBlock("withBlock", shape, g.size(), base);
    if (g.size() == 0) {
      return zeros(shape);
    }
    Elementwise.Run x = Elementwise.Run.of(g, g.shape);
    if (x.step() == 1) {
      // the copy follows the allocation directly: the JIT then zeroes only what it does not cover
      double[] r = new double[shape.numel()];
      System.arraycopy(x.a(), x.o(), r, base, g.size());
      return new OwnedBuffer(r, shape);
    }
    double[] r = new double[shape.numel()];
    Arrays.fill(r, base, base + g.size(), x.at(0));
    return new OwnedBuffer(r, shape);
  }

  /** The shape. */
  public Shape shape() {
    return shape;
  }

  /** The buffer's storage version: how many times it has been written. */
  public int version() {
    return storage.version;
  }

  /** The current values as a tensor, without a copy; stale once the buffer is written again. */
  public Tensor view() {
    return new Tensor(storage, at, shape, shape.rowMajor, storage.version, DType.FLOAT64, null);
  }

  /** The current values copied into a tensor of their own, which later writes do not touch. */
  public Tensor snapshot() {
    return new Tensor(Arrays.copyOfRange(storage.values, at, at + shape.numel()), shape);
  }

  /** Adds {@code g} (of this buffer's shape, any layout) in place. */
  public void add(Tensor g) {
    requireShape("add", shape, g.shape);
    Tensor source = g.storage == storage ? g.copy() : g;
    storage.version++;
    Elementwise.addInto(view(), source, shape, storage.values, at); // r[i] = r[i] + g[i]
  }

  /** Multiplies the values by {@code f} (broadcast to this buffer's shape) in place. */
  public void multiply(Tensor f) {
    if (!f.shape.broadcastsTo(shape)) {
      throw new IllegalArgumentException(
          "OwnedBuffer.multiply: a factor of shape " + f.shape + " does not broadcast to " + shape);
    }
    Tensor fs = f.storage == storage ? f.copy() : f;
    storage.version++;
    Elementwise.mulInto(view(), fs, shape, storage.values, at); // r[i] = r[i] f[i]
  }

  /** Adds {@code g * f} in place; their broadcast shape must be this buffer's. */
  public void addProduct(Tensor g, Tensor f) {
    Shape s = Shape.broadcast(g.shape, f.shape, "addProduct");
    requireShape("addProduct", shape, s);
    Tensor gs = g.storage == storage ? g.copy() : g;
    Tensor fs = f.storage == storage ? f.copy() : f;
    storage.version++;
    Elementwise.mulAddInto(gs, fs, view(), s, storage.values, at); // r[i] = g[i] f[i] + r[i]
  }

  /**
   * Adds {@code g} in place at the positions a strided gather with {@code (base, strides,
   * g.shape())} of this buffer's row-major values reads: the adjoint of a view.
   */
  public void scatterAdd(Tensor g, int base, int[] gatherStrides) {
    requirePlacement("scatterAdd", g.shape, base, gatherStrides);
    Tensor source = g.storage == storage ? g.copy() : g;
    storage.version++;
    Strided.scatterAdd(source, null, at + base, gatherStrides, storage.values);
  }

  /** {@link #scatterAdd} of {@code g * f} ({@code f} broadcast to {@code g}'s shape). */
  public void scatterAddProduct(Tensor g, Tensor f, int base, int[] gatherStrides) {
    requirePlacement("scatterAddProduct", g.shape, base, gatherStrides);
    Tensor gs = g.storage == storage ? g.copy() : g;
    Tensor fs = f.storage == storage ? f.copy() : f;
    if (!fs.shape.broadcastsTo(gs.shape)) {
      throw new IllegalArgumentException("OwnedBuffer.scatterAddProduct: a factor of shape "
          + fs.shape + " does not broadcast to " + gs.shape);
    }
    storage.version++;
    Strided.scatterAdd(gs, fs, at + base, gatherStrides, storage.values);
  }

  /**
   * Overwrites row-major positions {@code base} to {@code base + g.size() - 1}, in order, with
   * {@code g}, or with {@code g * f} when {@code f} is not null ({@code f} broadcast to {@code
   * g}'s shape); the other positions keep their values. For a block that nothing has been added
   * to yet, where adding would read back zeros.
   *
   * @throws IllegalArgumentException if the block does not lie inside the buffer, or {@code f}
   *     does not broadcast to {@code g}'s shape
   */
  public void setBlock(Tensor g, Tensor f, int base) {
    requireBlock("setBlock", shape, g.size(), base);
    if (f != null && !f.shape.broadcastsTo(g.shape)) {
      throw new IllegalArgumentException("OwnedBuffer.setBlock: a factor of shape " + f.shape
          + " does not broadcast to " + g.shape);
    }
    if (g.size() == 0) {
      return;
    }
    Elementwise.Run x = Elementwise.Run.of(g.storage == storage ? g.copy() : g, g.shape);
    Elementwise.Run y = f == null ? null
        : Elementwise.Run.of(f.storage == storage ? f.copy() : f, g.shape);
    storage.version++;
    double[] r = storage.values;
    int n = g.size();
    int from = at + base;
    double[] xa = x.a();
    int xo = x.o();
    if (y == null && x.step() == 1) {
      System.arraycopy(xa, xo, r, from, n);
    } else if (y == null) {
      Arrays.fill(r, from, from + n, x.at(0));
    } else if (x.step() == 1 && y.step() == 1) {
      double[] ya = y.a();
      int yo = y.o();
      for (int i = 0; i < n; i++) {
        r[from + i] = xa[xo + i] * ya[yo + i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        r[from + i] = x.at(i) * y.at(i);
      }
    }
  }

  /**
   * Writes {@code targets} in place with a kernel over their arrays: every view made so far of
   * any of them goes stale first. The kernel gets the arrays to write, in the order given, and
   * the {@code sources}' values row-major to read (a source's own storage when it is laid out so,
   * else a copy; a copy too when it is one of the targets' arrays, so that it is read as it was).
   * The kernel keeps no reference to any array after it returns.
   *
   * @throws IllegalArgumentException if the buffers and sources are not all of one shape, a
   *     buffer is given twice, or a buffer is a block of a larger array (see {@link #writeRun})
   */
  public static void write(OwnedBuffer[] targets, Tensor[] sources, Kernel kernel) {
    if (targets.length == 0) {
      throw new IllegalArgumentException("OwnedBuffer.write: needs at least one target buffer");
    }
    Shape shape = targets[0].shape;
    double[][] out = new double[targets.length][];
    for (int i = 0; i < targets.length; i++) {
      requireShape("write", shape, targets[i].shape);
      if (targets[i].blockBase() >= 0) {
        throw new IllegalArgumentException("OwnedBuffer.write: target " + i + " is a block of a"
            + " larger array, which a kernel of whole arrays would write past; use writeRun");
      }
      out[i] = targets[i].storage.values;
      for (int j = 0; j < i; j++) {
        if (out[j] == out[i]) {
          throw new IllegalArgumentException(
              "OwnedBuffer.write: target " + i + " is target " + j + "; give each buffer once");
        }
      }
    }
    double[][] in = new double[sources.length][];
    for (int i = 0; i < sources.length; i++) {
      requireShape("write", shape, sources[i].shape);
      in[i] = sources[i].readDense();
      for (double[] t : out) {
        if (t == in[i]) {
          in[i] = in[i].clone();
        }
      }
    }
    for (OwnedBuffer b : targets) {
      b.storage.version++;
    }
    kernel.apply(out, in);
  }

  /** An in-place update over raw arrays; see {@link #write}. */
  @FunctionalInterface
  public interface Kernel {
    /**
     * @param targets the arrays to write, each of the buffers' size
     * @param sources the values to read, row-major, not to be written
     */
    void apply(double[][] targets, double[][] sources);
  }

  /**
   * Writes the values in place with {@code writer}, given the array they lie in and the position
   * of the first: every view made so far goes stale first. The writer keeps no reference to the
   * array after it returns.
   *
   * <pre>{@code
   * buffer.writeRun((a, from) -> Arrays.fill(a, from, from + buffer.shape().numel(), 1.0));
   * }</pre>
   */
  public void writeRun(RunWriter writer) {
    storage.version++;
    writer.write(storage.values, at);
  }

  /** An in-place write of a buffer's values where they lie in an array; see {@link #writeRun}. */
  @FunctionalInterface
  public interface RunWriter {
    /**
     * @param array the array that holds the values
     * @param from the position of element 0 in {@code array}; the values are the buffer's size
     */
    void write(double[] array, int from);
  }

  /**
   * Overwrites the values with {@code source}'s (of this buffer's shape): views made so far go
   * stale.
   */
  public void set(Tensor source) {
    requireShape("set", shape, source.shape);
    double[] values = (source.storage == storage ? source.copy() : source).readDense();
    storage.version++;
    System.arraycopy(values, 0, storage.values, at, shape.numel());
  }

  /**
   * Refuses a placement that does not fit: strides of another rank than the values placed, or
   * positions outside this buffer (which would write past it, or into elements that are not the
   * view's).
   */
  private void requirePlacement(String op, Shape placed, int base, int[] strides) {
    if (strides.length != placed.rank()) {
      throw new IllegalArgumentException("OwnedBuffer." + op + ": " + strides.length
          + " strides for values of shape " + placed + "; give one stride per axis");
    }
    if (placed.numel() == 0) {
      return;
    }
    long lo = base;
    long hi = base;
    for (int d = 0; d < strides.length; d++) {
      long reach = (long) (placed.dim(d) - 1) * strides[d];
      lo += Math.min(reach, 0);
      hi += Math.max(reach, 0);
    }
    if (lo < 0 || hi >= shape.numel()) {
      throw new IllegalArgumentException("OwnedBuffer." + op + ": values of shape " + placed
          + " at base " + base + " with strides " + Arrays.toString(strides)
          + " reach positions " + lo + " to " + hi + " of a buffer of " + shape.numel()
          + " (shape " + shape + ")");
    }
  }

  /** Refuses a block of {@code size} positions from {@code base} that is not inside {@code shape}. */
  private static void requireBlock(String op, Shape shape, int size, int base) {
    if (base < 0 || (long) base + size > shape.numel()) {
      throw new IllegalArgumentException("OwnedBuffer." + op + ": a block of " + size
          + " values at position " + base + " does not fit a buffer of " + shape.numel()
          + " (shape " + shape + ")");
    }
  }

  private static void requireShape(String op, Shape want, Shape got) {
    if (!want.equals(got)) {
      throw new IllegalArgumentException(
          "OwnedBuffer." + op + ": expected shape " + want + " but got " + got);
    }
  }
}
