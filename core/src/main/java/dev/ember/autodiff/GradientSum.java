// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's gradient so far: a tensor given to it, or a buffer this pass owns, and the
 * contributions placed inside it (views' gradients) that wait for a buffer. A placement needs
 * a buffer of the whole shape; when a whole contribution that this sum may own arrives later
 * (a product, a buffer handed on), the placements are added into that one in place, instead of
 * into zeros that the whole contribution is then added to.
 *
 * <p>While its buffer is new, the sum knows which blocks of it hold values ({@link #written}):
 * a block placed or computed where nothing is yet is written, not added, since adding would
 * read back zeros. So the gradient of a series sliced into blocks (a {@code [T, B]} param read
 * as a first row and the rows after it) is its blocks copied into place, no zeroed pass first.
 *
 * <p>A sum with a {@link Home} makes its buffer there, in a block of a new array that another
 * sum can take over whole ({@link #taking}). {@link FirstOrderGradients} decides all of it; this
 * class only keeps one sum.
 *
 * <pre>{@code
 * GradientSum s = new GradientSum(Shape.of(4, 3), null);
 * s.addAt(rowGradient, 3, new int[] {1});   // row 1: waits for a buffer
 * s.addProduct(g, factor);                  // a buffer of g * factor, row 1 added into it
 * Tensor sum = s.value();
 * }</pre>
 */
final class GradientSum {
  /**
   * Where a sum's buffer is made: the block of a new array of {@code whole}'s size from {@code
   * at}, which the sum of {@code base} may take over.
   */
  record Home(Node base, Shape whole, int at) {}

  private final Shape shape;
  /** Where a buffer of this sum is made, or null: a new array of its own. */
  private final Home home;
  /** Whether {@link #owned} was made in {@link #home}. */
  private boolean atHome;
  private Tensor given;
  private OwnedBuffer owned;
  private final List<Placed> placed = new ArrayList<>(2);
  /**
   * The blocks {@code [from, to)} of {@link #owned} written since it was made as zeros, in the
   * order written; null when any position of it may hold a value.
   */
  private List<int[]> written;

  /** {@code g} (times {@code factor}, if not null) at a view's positions. */
  private record Placed(Tensor g, Tensor factor, int base, int[] strides) {}

  GradientSum(Shape shape, Home home) {
    this.shape = shape;
    this.home = home;
  }

  /** Where a buffer of this sum is made, or null. */
  Home home() {
    return home;
  }

  /** Whether the buffer was made in {@link #home}. */
  boolean atHome() {
    return atHome;
  }

  /** The one tensor given so far, kept as it is, or null. */
  Tensor given() {
    return given;
  }

  /** The buffer this sum owns, or null. */
  OwnedBuffer owned() {
    return owned;
  }

  /** Whether positions read with {@code st} over {@code shape} are one contiguous run, in order. */
  static boolean isBlock(int[] st, Shape shape) {
    int expect = 1;
    for (int d = st.length - 1; d >= 0; d--) {
      if (shape.dim(d) != 1 && st[d] != expect) {
        return false;
      }
      expect *= shape.dim(d);
    }
    return true;
  }

  /**
   * The sum of a tensor whose gradient lies in {@code whole} from {@code from}, as it is, with
   * the placements of its sum {@code before} (or null) made into it.
   */
  static GradientSum taking(OwnedBuffer whole, int from, int size, GradientSum before) {
    GradientSum s = new GradientSum(whole.shape(), null);
    s.owned = whole;
    s.written = new ArrayList<>(List.of(new int[] {from, from + size}));
    if (before != null) {
      for (Placed p : before.placed) {
        s.place(p);
      }
    }
    return s;
  }

  /** Whether this sum holds nothing but placements waiting for a buffer. */
  boolean onlyWaits() {
    return given == null && owned == null;
  }

  void add(Tensor g) {
    if (owned != null) {
      owned.add(g);
      written = null;
    } else if (given == null) {
      given = g;
    } else if (home == null) {
      owned = OwnedBuffer.sumOf(given, g);
      given = null;
      placeWaiting();
    } else {
      owned = holding(given);
      owned.add(g);
      given = null;
      placeWaiting();
    }
  }

  /** A new buffer of zeros of this sum's shape, in its home when it has one. */
  private OwnedBuffer zeros() {
    if (home == null) {
      return OwnedBuffer.zeros(shape);
    }
    atHome = true;
    return OwnedBuffer.zerosInBlock(home.whole(), home.at(), shape);
  }

  /** A new buffer holding {@code t}, in this sum's home when it has one. */
  private OwnedBuffer holding(Tensor t) {
    if (home == null) {
      return OwnedBuffer.copyOf(t);
    }
    OwnedBuffer b = zeros();
    b.set(t);
    return b;
  }

  /** Whether a placement waiting for a buffer reads {@code t}'s storage. */
  boolean placedReads(Tensor t) {
    for (Placed p : placed) {
      if (p.g.sharesStorage(t) || (p.factor != null && p.factor.sharesStorage(t))) {
        return true;
      }
    }
    return false;
  }

  /** Adds a buffer of this sum's shape, taking it over when this sum owns none yet. */
  void takeOver(OwnedBuffer buffer) {
    if (owned != null) {
      owned.add(buffer.view());
      written = null;
    } else {
      if (given != null) {
        buffer.add(given);
        given = null;
      }
      owned = buffer;
      placeWaiting();
    }
  }

  void addProduct(Tensor g, Tensor factor) {
    if (owned != null) {
      owned.addProduct(g, factor);
      written = null;
    } else if (home == null) {
      owned = given == null ? OwnedBuffer.productOf(g, factor)
          : OwnedBuffer.productPlus(g, factor, given);
      given = null;
      placeWaiting();
    } else {
      owned = given == null ? zeros() : holding(given);
      owned.addProduct(g, factor);
      given = null;
      placeWaiting();
    }
  }

  void addAt(Tensor g, int base, int[] strides) {
    addAtProduct(g, null, base, strides);
  }

  void addAtProduct(Tensor g, Tensor factor, int base, int[] strides) {
    if (owned != null) {
      place(new Placed(g, factor, base, strides));
    } else {
      placed.add(new Placed(g, factor, base, strides));
    }
  }

  /**
   * The buffer, made from what was given so far (zeros if nothing, or the first block placed
   * copied into zeros) when there is none yet.
   */
  OwnedBuffer own() {
    if (owned == null && given != null) {
      owned = holding(given);
      given = null;
    } else if (owned == null) {
      Placed first = placed.isEmpty() ? null : placed.get(0);
      if (first != null && first.factor == null && isBlock(first.strides, first.g.shape())) {
        if (home == null) {
          owned = OwnedBuffer.withBlock(shape, first.g, first.base);
        } else {
          owned = zeros();
          owned.setBlock(first.g, null, first.base);
        }
        written = new ArrayList<>(List.of(span(first)));
        placed.remove(0);
      } else {
        owned = zeros();
        written = new ArrayList<>(2);
      }
    }
    placeWaiting();
    return owned;
  }

  /**
   * Whether a kernel that writes {@code size} values from {@code from} must add to what is
   * there; records that it writes them.
   */
  boolean mustAccumulate(int from, int size) {
    int[] block = {from, from + size};
    boolean untouched = isUntouched(block);
    if (written != null) {
      written.add(block);
    }
    return !untouched;
  }

  /** Adds the waiting placements into {@link #owned}. */
  private void placeWaiting() {
    for (Placed p : placed) {
      place(p);
    }
    placed.clear();
  }

  /** One placement into {@link #owned}: written where nothing is yet, else added. */
  private void place(Placed p) {
    if (isBlock(p.strides, p.g.shape()) && isUntouched(span(p))) {
      owned.setBlock(p.g, p.factor, p.base);
      written.add(span(p));
    } else if (p.factor == null) {
      owned.scatterAdd(p.g, p.base, p.strides);
      written = null;
    } else {
      owned.scatterAddProduct(p.g, p.factor, p.base, p.strides);
      written = null;
    }
  }

  /** Whether no position of {@code block} has been written since the buffer was zeros. */
  private boolean isUntouched(int[] block) {
    if (written == null) {
      return false;
    }
    for (int[] w : written) {
      if (w[0] < block[1] && block[0] < w[1]) {
        return false;
      }
    }
    return true;
  }

  private static int[] span(Placed p) {
    return new int[] {p.base, p.base + p.g.size()};
  }

  /** The sum: every contribution so far, the waiting placements included. */
  Tensor value() {
    if (!placed.isEmpty()) {
      own();
    }
    return owned != null ? owned.view() : given;
  }
}
