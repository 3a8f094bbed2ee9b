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
 *
 * <p>A node whose rule hands its gradient unchanged to a block of another tensor ({@link
 * Autodiff#opPassingTo}: a draw {@code loc + scale * noise} of a param's rows) has its sum made
 * in that block of a new array of the tensor's size, its <i>home</i>, when nobody has given that
 * tensor a gradient yet. The tensor's sum then takes the whole array over when the rule hands the
 * gradient on, once no other sum still reads it, instead of copying the block into its own.
 */
final class FirstOrderGradients extends PassGradients {
  private final IdentityHashMap<Node, GradientSum> sums = new IdentityHashMap<>();
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
  /** Where {@link #gradBuffer} lies, when it was made in its node's home; else null. */
  private GradientSum.Home gradHome;

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
    GradientSum s = sums.remove(n);
    if (s == null) {
      return null;
    }
    grad = s.value();
    gradBuffer = wanted.contains(n) ? null : s.owned();
    gradHome = gradBuffer != null && s.atHome() ? s.home() : null;
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
    int home = homeTaker();
    for (int i = 0; i < handed.size(); i++) {
      Handed h = handed.get(i);
      if (i != home) {
        apply(h, gradBuffer != null && uses == 1 && h.g == grad);
      }
    }
    // last, once the other contributions have read the gradient
    if (home >= 0 && !giveHome()) {
      Handed h = handed.get(home);
      apply(h, gradBuffer != null && uses == 1 && h.g == grad);
    }
    handed.clear();
    grad = null;
    gradBuffer = null;
    gradHome = null;
  }

  /**
   * The contribution that hands the running rule's gradient, made in its home, on unchanged to
   * the input whose block that home is; -1 if none.
   */
  private int homeTaker() {
    if (gradHome == null) {
      return -1;
    }
    for (int i = 0; i < handed.size(); i++) {
      Handed h = handed.get(i);
      if (h.input == current().passesTo && h.g == grad && h.factor == null && h.owned == null
          && h.strides == null && h.kernel == null) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Gives the home's whole array to the sum of the tensor it lies in, which holds the gradient in
   * place: when that tensor's sum holds no more than placements waiting for a buffer (made into
   * this one now) that do not read the gradient, and no other sum holds the gradient
   * (placements that read it are made now). False if it cannot be done, and the contribution is
   * applied as usual.
   */
  private boolean giveHome() {
    GradientSum before = sums.get(gradHome.base());
    if (before != null && (!before.onlyWaits() || before.placedReads(grad))) {
      return false;
    }
    for (GradientSum s : sums.values()) {
      if (s.given() != null && s.given().sharesStorage(grad)) {
        return false;
      }
    }
    for (GradientSum s : sums.values()) {
      if (s != before && s.placedReads(grad)) {
        s.own();
      }
    }
    OwnedBuffer whole = gradBuffer.whole(gradHome.whole());
    sums.put(gradHome.base(),
        GradientSum.taking(whole, gradHome.at(), gradBuffer.shape().numel(), before));
    return true;
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
    GradientSum s = sum(target);
    Shape to = target.shape();
    if (h.owned != null && h.owned.shape().equals(to)) {
      s.takeOver(h.owned);
    } else if (h.owned != null) {
      s.add(reduced(h.owned.view(), h.input).reshape(to));
    } else if (h.factor != null) {
      Shape product = Shape.broadcast(g.shape(), h.factor.shape(), current().op + " backward");
      if (!product.equals(shape)) {
        s.add(reduced(g.mulSumTo(h.factor, shape), h.input).reshape(to));
      } else if (reuse && g.shape().equals(to) && s.home() == null) {
        // (a sum with a home computes the product there instead)
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
   * Runs a kernel contribution: into the input's buffer when its sum owns one or has a home and
   * it takes its gradients itself (null: done); else into a new buffer, handed on as an owned
   * contribution.
   */
  private Handed computed(Handed h, Shape shape) {
    Tensor in = current().inputs[h.input];
    ViewOf view = in.node().view;
    if (view != null && bypassable(in.node(), view)) {
      if (isBlock(view, shape)) {
        // a contiguous slice of the tensor it views: written into that tensor's buffer there
        GradientSum s = sum(view.input());
        OwnedBuffer target = s.own();
        boolean accumulate = s.mustAccumulate(view.base(), shape.numel());
        target.writeRun((a, from) -> h.kernel.write(a, from + view.base(), accumulate));
        return null;
      }
    } else {
      // a sum that may have a home is made now, so that the kernel writes there
      GradientSum own = in.node().passesTo >= 0 ? sum(in) : sums.get(in.node());
      if (own != null && (own.owned() != null || own.home() != null)) {
        OwnedBuffer target = own.own();
        boolean accumulate = own.mustAccumulate(0, shape.numel());
        target.writeRun((a, from) -> h.kernel.write(a, from, accumulate));
        return null;
      }
    }
    OwnedBuffer fresh = OwnedBuffer.zeros(shape);
    fresh.writeRun((a, from) -> h.kernel.write(a, from, false));
    return new Handed(h.input, null, null, fresh, 0, null, null);
  }

  /** Whether a view of shape {@code shape} reads one contiguous run of what it views. */
  private static boolean isBlock(ViewOf view, Shape shape) {
    return GradientSum.isBlock(view.strides(), shape);
  }

  /** Adds a contribution to a view into the sum of the tensor it views, at the view's places. */
  private void placeInto(GradientSum s, Handed h, Tensor g, ViewOf view) {
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

  private GradientSum sum(Tensor t) {
    return sum(t.node(), t.shape());
  }

  private GradientSum sum(Node n, Shape shape) {
    GradientSum s = sums.get(n);
    if (s == null) {
      s = new GradientSum(shape, homeOf(n, shape));
      sums.put(n, s);
    }
    return s;
  }

  /**
   * The home of a new sum of {@code n}: the block its gradient is handed on to unchanged, when
   * that block is more than half of a tensor whose sum holds no more than placements waiting for
   * a buffer, and nobody asked for the gradients in between; else null. More than half: of a
   * param's rows, the home goes to the draw of rows 1 to T - 1, not to row 0's, whichever is
   * differentiated first, and a home whose array is not taken over (a second home in the same
   * tensor, say) costs less than twice its block.
   */
  private GradientSum.Home homeOf(Node n, Shape shape) {
    if (n.passesTo < 0 || wanted.contains(n)) {
      return null;
    }
    Tensor in = n.inputs[n.passesTo];
    ViewOf view = in.node() == null ? null : in.node().view;
    if (view == null || 2L * shape.numel() <= view.input().size() || !isBlock(view, shape)
        || !bypassable(in.node(), view)) {
      return null;
    }
    Node base = view.input().node();
    GradientSum before = sums.get(base);
    if (before != null && !before.onlyWaits()) {
      return null;
    }
    return new GradientSum.Home(base, view.input().shape(), view.base());
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
}
