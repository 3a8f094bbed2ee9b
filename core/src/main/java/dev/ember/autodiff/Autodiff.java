// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reverse-mode automatic differentiation over {@link Tensor} operations.
 *
 * <p>Every differentiable tensor operation whose input is <i>tracked</i> records a {@link Node}
 * with its backward rule (written next to the operation's forward code). {@link #valueAndGrad}
 * tracks the parameters, runs the function, and walks the recorded graph backwards. The graph
 * hangs off the tensors themselves, and the recording switch is thread-local, so two threads
 * differentiating different functions never see each other's work.
 *
 * <pre>{@code
 * Map<String, Tensor> params = Map.of("w", Tensor.of(1.0, 2.0));
 * ValueAndGrad vg = Autodiff.valueAndGrad(p -> p.get("w").square().sum(), params);
 * vg.loss();         // 5.0
 * vg.grad().get("w"); // [2.0, 4.0]
 * }</pre>
 *
 * <p>References: Griewank and Walther, <i>Evaluating Derivatives</i> (2008), ch. 3; Karpathy,
 * micrograd (backward over a topological order); Paszke et al., "Automatic differentiation in
 * PyTorch" (2017).
 */
public final class Autodiff {
  private Autodiff() {}

  /** Per-thread recording switches. */
  private static final class Mode {
    boolean enabled = true;
    boolean createGraph = false;
  }

  private static final ThreadLocal<Mode> MODE = ThreadLocal.withInitial(Mode::new);

  /**
   * Records an operation: returns {@code value} tracked with a node that knows its inputs and its
   * backward rule, or {@code value} itself when no input is tracked or recording is off.
   *
   * <pre>{@code
   * // a custom op with a hand-written gradient: y = x^3, dy/dx = 3 x^2
   * Tensor y = Autodiff.op(Tensor.of(x.toArray(), x.dims()).pow(3.0), "cube",
   *     (g, out, i) -> g.mul(x.square().mul(3.0)), x);
   * }</pre>
   *
   * @param value the operation's result, computed without recording
   * @param name the operation's name, used in error messages
   * @param backward the vector-Jacobian product for each input
   * @param inputs the operation's inputs, in the order the rule's {@code input} index refers to
   */
  public static Tensor op(Tensor value, String name, BackwardFn backward, Tensor... inputs) {
    if (!MODE.get().enabled) {
      return value;
    }
    boolean any = false;
    for (Tensor in : inputs) {
      if (in.node() != null) {
        any = true;
        break;
      }
    }
    if (!any) {
      return value;
    }
    Node node = new Node(name, inputs, backward);
    Tensor out = Tensor.withNode(value, node);
    node.output = out;
    return out;
  }

  /** Returns {@code t} as a new leaf variable that gradients can be taken with respect to. */
  public static Tensor track(Tensor t, String name) {
    Node node = Node.leaf(name);
    Tensor out = Tensor.withNode(t.detach(), node);
    node.output = out;
    return out;
  }

  /** Whether operations on tracked tensors are being recorded on this thread. */
  public static boolean isRecording() {
    return MODE.get().enabled;
  }

  /** Runs {@code body} without recording (as JAX's {@code stop_gradient} over a whole block). */
  public static <T> T noGrad(Supplier<T> body) {
    Mode m = MODE.get();
    boolean was = m.enabled;
    m.enabled = false;
    try {
      return body.get();
    } finally {
      m.enabled = was;
    }
  }

  /**
   * Throws when a backward rule that is written with raw loops (so it is not itself recorded)
   * runs under {@code createGraph}, where its second derivative would silently be zero.
   */
  public static void requireFirstOrder(String op) {
    Mode m = MODE.get();
    if (m.createGraph && m.enabled) {
      throw new UnsupportedOperationException(
          op
              + ": second derivatives are not implemented for this operation; "
              + "differentiate it once (createGraph = false)");
    }
  }

  /**
   * The value of {@code fn} at {@code params} and its gradient with respect to each of them.
   *
   * @param fn a function of named tensors returning a scalar tensor
   * @param params the point; each entry becomes a tracked leaf named after its key
   * @throws IllegalArgumentException if {@code fn} does not return a scalar
   */
  public static ValueAndGrad valueAndGrad(
      Function<Map<String, Tensor>, Tensor> fn, Map<String, Tensor> params) {
    return valuesAndGrads(p -> new Tensor[] {fn.apply(p)}, params, "valueAndGrad").get(0);
  }

  /**
   * The values of several scalar outputs of one forward pass and the gradient of each with respect
   * to {@code params}: one backward pass per output over the shared graph (e.g. the local and the
   * global terms of a loss, which a data-parallel engine weights differently).
   *
   * <pre>{@code
   * List<ValueAndGrad> parts = Autodiff.valuesAndGrads(
   *     p -> new Tensor[] {p.get("x").square(), p.get("x").mul(3.0)}, Map.of("x", x));
   * }</pre>
   *
   * @param fn a function of named tensors returning scalar tensors
   * @param params the point; each entry becomes a tracked leaf named after its key
   */
  public static List<ValueAndGrad> valuesAndGrads(
      Function<Map<String, Tensor>, Tensor[]> fn, Map<String, Tensor> params) {
    return valuesAndGrads(fn, params, "valuesAndGrads");
  }

  private static List<ValueAndGrad> valuesAndGrads(
      Function<Map<String, Tensor>, Tensor[]> fn, Map<String, Tensor> params, String where) {
    Mode m = MODE.get();
    boolean was = m.enabled;
    m.enabled = true;
    try {
      Map<String, Tensor> tracked = new LinkedHashMap<>();
      params.forEach((k, v) -> tracked.put(k, track(v, k)));
      Tensor[] outs = fn.apply(Collections.unmodifiableMap(tracked));
      Tensor[] wrt = tracked.values().toArray(new Tensor[0]);
      List<ValueAndGrad> result = new ArrayList<>(outs.length);
      for (Tensor out : outs) {
        requireScalar(out, where);
        Map<String, Tensor> grad = new LinkedHashMap<>();
        if (out.node() == null) {
          tracked.forEach((k, v) -> grad.put(k, Tensor.zerosLike(v)));
        } else {
          Tensor[] g = gradients(out, wrt, null, false);
          int i = 0;
          for (String k : tracked.keySet()) {
            grad.put(k, g[i++]);
          }
        }
        result.add(new ValueAndGrad(out.detach(), Collections.unmodifiableMap(grad)));
      }
      return result;
    } finally {
      m.enabled = was;
    }
  }

  /** The gradient of a scalar function of one tensor. */
  public static Tensor grad(Function<Tensor, Tensor> fn, Tensor x) {
    return valueAndGrad(p -> fn.apply(p.get("x")), Map.of("x", x)).grad().get("x");
  }

  /**
   * Gradients of {@code output} with respect to tracked tensors {@code wrt} (leaves or
   * intermediates).
   *
   * <ol>
   *   <li>Order the nodes reachable from {@code output} topologically (iterative depth-first
   *       search, so a chain of any length uses constant stack).
   *   <li>Seed the output's gradient with {@code seed} (ones when it is {@code null}).
   *   <li>Visit nodes from the output backwards; each tracked input of a node receives its rule's
   *       vector-Jacobian product, summed back to the input's shape when it was broadcast, and
   *       accumulated over the input's uses (in place, and scattered directly for gathers, unless
   *       the pass is itself recorded).
   *   <li>A node's gradient is complete when it is visited; those in {@code wrt} are returned
   *       (zeros where {@code output} does not depend on them).
   * </ol>
   *
   * @param output the tensor to differentiate; a non-scalar output needs a {@code seed}, or its
   *     elements' gradients are summed
   * @param wrt tracked tensors (leaves or intermediates) to differentiate with respect to
   * @param seed the output's cotangent (a vector-Jacobian product's vector), shaped like {@code
   *     output}, or {@code null} for ones
   * @param createGraph record the backward pass itself, so the returned gradients can be
   *     differentiated again
   */
  public static Tensor[] gradients(
      Tensor output, Tensor[] wrt, Tensor seed, boolean createGraph) {
    Tensor[] result = new Tensor[wrt.length];
    IdentityHashMap<Node, List<Integer>> wanted = new IdentityHashMap<>();
    for (int i = 0; i < wrt.length; i++) {
      if (wrt[i].node() == null) {
        throw new IllegalArgumentException(
            "gradients: input " + i + " is not tracked; create it with Autodiff.track");
      }
      wanted.computeIfAbsent(wrt[i].node(), k -> new ArrayList<>(1)).add(i);
    }
    if (seed != null && !seed.shape().equals(output.shape())) {
      throw new IllegalArgumentException(
          "gradients: the seed has shape " + seed.shape() + " but the output has shape "
              + output.shape() + "; they must match");
    }
    Tensor ones = seed != null ? seed : Tensor.ones(output.shape());
    Mode m = MODE.get();
    boolean wasEnabled = m.enabled;
    boolean wasCreate = m.createGraph;
    m.enabled = createGraph;
    m.createGraph = createGraph;
    try {
      if (output.node() != null) {
        backward(output.node(), ones, wanted, result);
      }
    } finally {
      m.enabled = wasEnabled;
      m.createGraph = wasCreate;
    }
    for (int i = 0; i < wrt.length; i++) {
      if (result[i] == null) {
        result[i] = Tensor.zeros(wrt[i].shape());
      }
    }
    return result;
  }

  /** Steps 1 to 4 of {@link #gradients}, in the thread's current recording mode. */
  private static void backward(
      Node root, Tensor seed, IdentityHashMap<Node, List<Integer>> wanted, Tensor[] result) {
    boolean createGraph = MODE.get().createGraph;
    List<Node> order = topologicalOrder(root);
    IdentityHashMap<Node, GradientSum> grads = new IdentityHashMap<>();
    grads.put(root, new GradientSum(seed.shape()).plus(seed, createGraph));
    for (int k = order.size() - 1; k >= 0; k--) {
      Node n = order.get(k);
      GradientSum sum = grads.remove(n);
      if (sum == null) {
        continue; // the output does not depend on n
      }
      // the gradient's array is the engine's alone: a one-input rule may write over it
      boolean exclusive = !createGraph && sum.ownsBuffer() && !wanted.containsKey(n)
          && n.inputs.length == 1 && n.inputs[0].node() != null;
      Tensor g = sum.value(); // complete: every use of n comes later in the order
      for (int s : wanted.getOrDefault(n, List.of())) {
        result[s] = g;
      }
      if (exclusive && !(n.backward instanceof ScatterBackward)) {
        Tensor gi = n.backward.overwrite(g, n.output);
        if (gi != null) {
          Tensor in = n.inputs[0];
          grads.put(in.node(), sumFor(grads, in).plus(gi, false, true));
          continue;
        }
      }
      if (!createGraph && n.backward instanceof RowsOfBackward rows
          && rows.base().node() != null && noneWanted(n.inputs, wanted)) {
        // the output is the base's values, so its gradient is the base's: no per-row copies
        Tensor base = rows.base();
        boolean own = sum.ownsBuffer() && !wanted.containsKey(n);
        grads.put(base.node(), sumFor(grads, base).plus(g, false, own));
        continue;
      }
      for (int i = 0; i < n.inputs.length; i++) {
        Tensor in = n.inputs[i];
        if (in.node() == null) {
          continue;
        }
        if (!createGraph && n.backward instanceof ScatterBackward scatter) {
          // sparse: adds into the input's buffer, touching only the gathered entries
          scatter.scatterInto(g, sumFor(grads, in).buffer());
          continue;
        }
        GradientSum existing = createGraph ? null : grads.get(in.node());
        if (existing != null && existing.ownsBuffer()
            && n.backward.addInto(g, n.output, i, existing.buffer())) {
          continue; // added into the buffer the input's sum already owns, with no new array
        }
        Tensor gi = n.backward.apply(g, n.output, i);
        if (gi != null) { // null: this input gets no gradient (and no sum, so none is visited)
          Tensor reduced = reduceToInput(n, i, gi);
          // a reduction is a new array; so is what a rule declares fresh
          boolean fresh = !createGraph && (reduced != gi || n.backward.returnsFresh(i));
          grads.put(in.node(), sumFor(grads, in).plus(reduced, createGraph, fresh));
        }
      }
    }
  }

  /** Whether no input's gradient is asked for by itself (so it need not be formed). */
  private static boolean noneWanted(Tensor[] inputs, IdentityHashMap<Node, List<Integer>> wanted) {
    for (Tensor in : inputs) {
      if (in.node() != null && wanted.containsKey(in.node())) {
        return false;
      }
    }
    return true;
  }

  private static GradientSum sumFor(IdentityHashMap<Node, GradientSum> grads, Tensor in) {
    return grads.computeIfAbsent(in.node(), x -> new GradientSum(in.shape()));
  }

  /** Sums a rule's gradient, which may have the output's broadcast shape, to its input's shape. */
  private static Tensor reduceToInput(Node n, int i, Tensor gi) {
    Shape target = n.inputs[i].shape();
    if (gi.shape().equals(target)) {
      return gi;
    }
    if (!target.broadcastsTo(gi.shape())) {
      throw new IllegalStateException(
          n.op + " backward: gradient of shape " + gi.shape() + " does not reduce to input " + i
              + " of shape " + target);
    }
    return gi.sumTo(target);
  }

  /** Post-order of the graph below {@code root}: every node comes after all of its inputs. */
  private static List<Node> topologicalOrder(Node root) {
    List<Node> order = new ArrayList<>();
    IdentityHashMap<Node, Boolean> seen = new IdentityHashMap<>();
    Node[] stack = new Node[64];
    int[] next = new int[64];
    int top = 0;
    stack[0] = root;
    next[0] = 0;
    seen.put(root, Boolean.TRUE);
    while (top >= 0) {
      Node n = stack[top];
      if (next[top] < n.inputs.length) {
        Node c = n.inputs[next[top]++].node();
        if (c != null && seen.put(c, Boolean.TRUE) == null) {
          if (++top == stack.length) {
            stack = Arrays.copyOf(stack, top * 2);
            next = Arrays.copyOf(next, top * 2);
          }
          stack[top] = c;
          next[top] = 0;
        }
      } else {
        order.add(n);
        top--;
      }
    }
    return order;
  }

  static void requireScalar(Tensor out, String where) {
    if (out.rank() != 0) {
      throw new IllegalArgumentException(
          where
              + ": the function must return a scalar (shape []), but returned shape "
              + out.shape()
              + "; reduce it with sum() or mean()");
    }
  }
}
