// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * One vertex of the reverse-mode graph: the operation that produced a tracked {@link Tensor}, its
 * inputs and its backward rule. Leaves (the variables being differentiated) have no inputs.
 *
 * <p>Nodes are created only by {@link Autodiff}; a tensor that carries one is <i>tracked</i>. The
 * graph is immutable once built and belongs to the tensors that reference it, so threads that
 * build separate graphs never interfere: it lives as long as its tensors, and nothing has to be
 * cleared after a backward pass.
 *
 * <pre>{@code
 * Tensor x = Autodiff.track(Tensor.of(1.0, 2.0), "x");
 * Tensor y = x.exp().sum();
 * y.node().op();            // "sum"
 * x.node().isLeaf();        // true
 * }</pre>
 */
public final class Node {
  private static final Tensor[] NO_INPUTS = new Tensor[0];

  final String op;
  final Tensor[] inputs;
  final BackwardFn backward;
  /** What this node's output reads of its one input, if it is a view ({@link Autodiff#view}). */
  final ViewOf view;
  /**
   * The input whose gradient is this node's gradient, unchanged, when the operation declares one
   * ({@link Autodiff#opPassingTo}); else -1.
   */
  final int passesTo;
  Tensor output;

  Node(String op, Tensor[] inputs, BackwardFn backward) {
    this(op, inputs, backward, null, -1);
  }

  Node(String op, Tensor[] inputs, BackwardFn backward, ViewOf view, int passesTo) {
    this.op = op;
    this.inputs = inputs;
    this.backward = backward;
    this.view = view;
    this.passesTo = passesTo;
  }

  static Node leaf(String name) {
    return new Node(name, NO_INPUTS, null);
  }

  /** The operation's name ({@code "mul"}, {@code "exp"}, ...) or the leaf's name. */
  public String op() {
    return op;
  }

  /**
   * What the output reads of its input if the operation is a view (select, slice, broadcast,
   * ...), recorded by {@link Autodiff#view}; else null. A stack of views of one tensor at equal
   * distances is itself a view of it, and is recorded as one.
   */
  public ViewOf view() {
    return view;
  }

  /** Whether this node is a variable rather than the result of an operation. */
  public boolean isLeaf() {
    return backward == null;
  }

  @Override
  public String toString() {
    return "Node(" + op + ")";
  }
}
