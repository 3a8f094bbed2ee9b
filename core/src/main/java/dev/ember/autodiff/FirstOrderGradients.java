// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.autodiff.Gradients.GradientKernel;
import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The gradient sums of a first-order backward pass, and the one place that decides what is
 * written in place. A node's sum keeps its first contribution as the tensor it is (never
 * written); from the second one on, or from one that the pass computes itself (a product, a
 * placed view) or is handed as an {@link OwnedBuffer}, the sum lives in a buffer this pass alone
 * holds and adds into in place.
 *
 * <p>A contribution to a view ({@link Node#view()}) goes straight to the tensor it views, placed
 * where the view reads it, when no gradient in between is asked for: a row of a series sliced at
 * every step of a scan then adds into the series' sum with no sum of its own, and a stack of all
 * those rows hands its whole gradient to the series.
 *
 * <p>When a node's gradient is such a buffer and nobody asked for it, the rule it is given to
 * may hand it on: if the rule's contributions use that buffer exactly once, as the very tensor
 * it was given (PyTorch's accumulate-grad reuses a gradient whose use count is one), that input
 * takes the buffer over instead of a copy, multiplied in place first for a product. So the
 * contributions of a rule are applied when the rule returns, once their uses are counted.
 */
final class FirstOrderGradients extends PassGradients {
  private final IdentityHashMap<Node, Sum> sums = new IdentityHashMap<>();
  /** Nodes whose gradients are returned: their buffers are never reused. */
  private final Set<Node> wanted;
  /** Whether a node of {@link #wanted} has inputs (is not a leaf). */
  private final boolean intermediateWanted;
  /** What the running rule handed, applied when it returns. */
  private final List<Handed> handed = new ArrayList<>();
  /** The gradient the running rule was given. */
  private Tensor grad;
  /** The buffer {@link #grad} views, when this pass owns it and no one asked for it; else null. */
  private OwnedBuffer gradBuffer;

  FirstOrderGradients(Set<Node> wanted) {
    this.wanted = wanted;
    boolean any = false;
    for (Node n : wanted) {
      any |= n.inputs.length > 0;
    }
    this.intermediateWanted = any;
  }

  /** One contribution: {@code g} (times {@code factor}, or placed at a view), or a buffer. */
  private record Handed(int input, Tensor g, Tensor factor, OwnedBuffer owned, int base,
      int[] strides, GradientKernel kernel) {}

  @Override
  void seed(Node root, Tensor g) {
    sum(root, g.shape()).add(g);
  }

  @Override
  Tensor take(Node n) {
    Sum s = sums.remove(n);
    if (s == null) {
      return null;
    }
    grad = s.value();
    gradBuffer = wanted.contains(n) ? null : s.owned;
    return grad;
  }

  @Override
  public void add(int input, Tensor g) {
    handed.add(new Handed(input, g, null, null, 0, null, null));
  }

  @Override
  public void add(int input, OwnedBuffer g) {
    handed.add(new Handed(input, null, null, g, 0, null, null));
  }

  @Override
  public void addComputed(int input, GradientKernel kernel) {
    handed.add(new Handed(input, null, null, null, 0, null, kernel));
  }

  @Override
  public void addProduct(int input, Tensor g, Tensor factor) {
    handed.add(new Handed(input, g, factor, null, 0, null, null));
  }

  @Override
  public void addAt(int input, Tensor g, int base, int[] strides) {
    handed.add(new Handed(input, g, null, null, base, strides.clone(), null));
  }

  @Override
  public boolean isRecorded() {
    return false;
  }

  @Override
  void ruleDone() {
    int uses = 0;
    for (Handed h : handed) {
      // a kernel may read the gradient through arrays it captured: then nothing reuses it
      uses += h.kernel != null ? 2 : (uses(h.g) || uses(h.factor)) ? 1 : 0;
    }
    for (Handed h : handed) {
      apply(h, gradBuffer != null && uses == 1 && h.g == grad);
    }
    handed.clear();
    grad = null;
    gradBuffer = null;
  }

  /** Whether {@code t} reads the running rule's gradient (the tensor itself or a view of it). */
  private boolean uses(Tensor t) {
    return t != null && grad != null && t.sharesStorage(grad);
  }

  /** Adds one contribution to its input's sum; {@code reuse}: its tensor's buffer is free. */
  private void apply(Handed h, boolean reuse) {
    Tensor in = tracked(h.input);
    if (in == null) {
      return;
    }
    Shape shape = in.shape();
    if (h.kernel != null) {
      h = computed(h, shape); // a kernel writes into the input's own buffer, or a new one
      if (h == null) {
        return;
      }
    }
    Tensor g = h.g;
    if (h.strides != null && placesInOrder(h, shape)) {
      g = h.g.reshape(shape); // a placement that covers the input in order: a plain gradient
    } else if (h.strides != null) {
      sum(in).addAt(h.g, h.base, h.strides); // placed inside the input: summed there
      return;
    }
    // a view nothing asks about passes the gradient on to the tensor it views
    ViewOf view = in.node().view;
    Tensor target = in;
    if (view != null && bypassable(in.node(), view)) {
      target = view.input();
      if (!coversInOrder(view, shape, target.shape())) {
        placeInto(sum(target), h, g, view);
        return;
      }
    }
    Sum s = sum(target);
    Shape to = target.shape();
    if (h.owned != null && h.owned.shape().equals(to)) {
      s.takeOver(h.owned);
    } else if (h.owned != null) {
      s.add(reduced(h.owned.view(), h.input).reshape(to));
    } else if (h.factor != null) {
      Shape product = Shape.broadcast(g.shape(), h.factor.shape(), current().op + " backward");
      if (!product.equals(shape)) {
        s.add(reduced(g.mulSumTo(h.factor, shape), h.input).reshape(to));
      } else if (reuse && g.shape().equals(to)) {
        gradBuffer.multiply(h.factor);
        s.takeOver(gradBuffer);
      } else if (shape.equals(to)) {
        s.addProduct(g, h.factor);
      } else {
        s.add(g.mul(h.factor).reshape(to));
      }
    } else if (reuse && g == grad && g.shape().equals(to)) {
      s.takeOver(gradBuffer);
    } else {
      s.add(reduced(g, h.input).reshape(to));
    }
  }

  /**
   * Runs a kernel contribution: into the input's buffer when its sum owns one and it takes its
   * gradients itself (null: done); else into a new buffer, handed on as an owned contribution.
   */
  private Handed computed(Handed h, Shape shape) {
    Tensor in = current().inputs[h.input];
    ViewOf view = in.node().view;
    if (view != null && bypassable(in.node(), view)) {
      if (isBlock(view, shape)) {
        // a contiguous slice of the tensor it views: written into that tensor's buffer there
        Sum s = sum(view.input());
        OwnedBuffer target = s.own();
        boolean accumulate = s.mustAccumulate(view.base(), shape.numel());
        OwnedBuffer.write(new OwnedBuffer[] {target}, new Tensor[0],
            (t, src) -> h.kernel.write(t[0], view.base(), accumulate));
        return null;
      }
    } else {
      Sum own = sums.get(in.node());
      if (own != null && own.owned != null) {
        boolean accumulate = own.mustAccumulate(0, shape.numel());
        OwnedBuffer.write(new OwnedBuffer[] {own.owned}, new Tensor[0],
            (t, src) -> h.kernel.write(t[0], 0, accumulate));
        return null;
      }
    }
    OwnedBuffer fresh = OwnedBuffer.zeros(shape);
    OwnedBuffer.write(new OwnedBuffer[] {fresh}, new Tensor[0],
        (t, src) -> h.kernel.write(t[0], 0, false));
    return new Handed(h.input, null, null, fresh, 0, null, null);
  }

  /** Whether a view of shape {@code shape} reads one contiguous run of what it views. */
  private static boolean isBlock(ViewOf view, Shape shape) {
    return isBlock(view.strides(), shape);
  }

  /** Whether positions read with {@code st} over {@code shape} are one contiguous run, in order. */
  private static boolean isBlock(int[] st, Shape shape) {
    int expect = 1;
    for (int d = st.length - 1; d >= 0; d--) {
      if (shape.dim(d) != 1 && st[d] != expect) {
        return false;
      }
      expect *= shape.dim(d);
    }
    return true;
  }

  /** Adds a contribution to a view into the sum of the tensor it views, at the view's places. */
  private void placeInto(Sum s, Handed h, Tensor g, ViewOf view) {
    int[] strides = view.strides();
    if (h.owned != null) {
      // a buffer of a broadcast operation's shape is summed to the view's shape first
      s.addAt(reduced(h.owned.view(), h.input), view.base(), strides);
    } else if (h.factor != null && g.shape().equals(current().inputs[h.input].shape())
        && h.factor.shape().broadcastsTo(g.shape())) {
      s.addAtProduct(g, h.factor, view.base(), strides);
    } else if (h.factor != null) {
      Shape shape = current().inputs[h.input].shape();
      s.addAt(reduced(g.mulSumTo(h.factor, shape), h.input), view.base(), strides);
    } else {
      s.addAt(reduced(g, h.input), view.base(), strides);
    }
  }

  /**
   * Whether contributions to view node {@code n} may skip it and the nodes between it and the
   * tensor it views: none of them has its gradient asked for. Those nodes are views of that
   * tensor too (a stack of views of one tensor is one, and its parts may be such stacks), so
   * the walk below ends there; it is needed only when some gradient asked for is not a leaf's.
   */
  private boolean bypassable(Node n, ViewOf view) {
    if (wanted.contains(n)) {
      return false;
    }
    if (!intermediateWanted) {
      return true;
    }
    Node base = view.input().node();
    ArrayDeque<Node> todo = new ArrayDeque<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    pushInputs(n, todo);
    while (!todo.isEmpty()) {
      Node m = todo.pop();
      if (m == base || !seen.add(m)) {
        continue;
      }
      if (wanted.contains(m)) {
        return false;
      }
      pushInputs(m, todo);
    }
    return true;
  }

  private static void pushInputs(Node n, ArrayDeque<Node> todo) {
    for (Tensor in : n.inputs) {
      if (in.node() != null) {
        todo.push(in.node());
      }
    }
  }

  /** Whether a view of shape {@code shape} reads all of a tensor of shape {@code of} in order. */
  private static boolean coversInOrder(ViewOf view, Shape shape, Shape of) {
    return view.base() == 0 && shape.numel() == of.numel()
        && Arrays.equals(rowMajor(shape), view.strides());
  }

  /** Whether a placed contribution covers its input in row-major order (then it is an add). */
  private static boolean placesInOrder(Handed h, Shape shape) {
    return h.base == 0 && h.g.size() == shape.numel()
        && Arrays.equals(rowMajor(h.g.shape()), h.strides);
  }

  private static int[] rowMajor(Shape s) {
    int[] st = new int[s.rank()];
    int k = 1;
    for (int i = st.length - 1; i >= 0; i--) {
      st[i] = k;
      k *= s.dim(i);
    }
    return st;
  }

  private Sum sum(Tensor t) {
    return sum(t.node(), t.shape());
  }

  private Sum sum(Node n, Shape shape) {
    return sums.computeIfAbsent(n, k -> new Sum(shape));
  }

  /** {@code g} summed to input {@code input}'s shape, which must broadcast to it. */
  private Tensor reduced(Tensor g, int input) {
    Shape target = current().inputs[input].shape();
    if (g.shape().equals(target)) {
      return g;
    }
    if (!target.broadcastsTo(g.shape())) {
      throw new IllegalStateException(
          current().op + " backward: gradient of shape " + g.shape() + " does not reduce to input "
              + input + " of shape " + target);
    }
    return g.sumTo(target);
  }

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
   */
  private static final class Sum {
    private final Shape shape;
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

    Sum(Shape shape) {
      this.shape = shape;
    }

    void add(Tensor g) {
      if (owned != null) {
        owned.add(g);
        written = null;
      } else if (given == null) {
        given = g;
      } else {
        owned = OwnedBuffer.sumOf(given, g);
        given = null;
        placeWaiting();
      }
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
      } else {
        owned = given == null ? OwnedBuffer.productOf(g, factor)
            : OwnedBuffer.productPlus(g, factor, given);
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
        owned = OwnedBuffer.copyOf(given);
        given = null;
      } else if (owned == null) {
        Placed first = placed.isEmpty() ? null : placed.get(0);
        if (first != null && first.factor == null && isBlock(first.strides, first.g.shape())) {
          owned = OwnedBuffer.withBlock(shape, first.g, first.base);
          written = new ArrayList<>(List.of(span(first)));
          placed.remove(0);
        } else {
          owned = OwnedBuffer.zeros(shape);
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
}
