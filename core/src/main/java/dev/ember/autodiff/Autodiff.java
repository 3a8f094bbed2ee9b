// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

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

  /** Per-thread recording switch: whether operations on tracked tensors are recorded. */
  private static final class Mode {
    boolean recording = true;
  }

  private static final ThreadLocal<Mode> MODE = ThreadLocal.withInitial(Mode::new);

  /**
   * Records an operation: returns {@code value} tracked with a node that knows its inputs and its
   * backward rule, or {@code value} itself when no input is tracked or recording is off.
   *
   * <pre>{@code
   * // a custom op with a hand-written gradient: y = x^3, dy/dx = 3 x^2
   * Tensor y = Autodiff.op(x.detach().pow(3.0), "cube",
   *     (g, grads) -> grads.addProduct(0, g, x.square().mul(3.0)), x);
   * }</pre>
   *
   * @param value the operation's result, computed without recording
   * @param name the operation's name, used in error messages
   * @param backward the vector-Jacobian product, for all inputs at once
   * @param inputs the operation's inputs, in the order the rule's input indices refer to
   */
  public static Tensor op(Tensor value, String name, BackwardFn backward, Tensor... inputs) {
    return op(value, name, backward, null, inputs);
  }

  /**
   * {@link #op(Tensor, String, BackwardFn, Tensor...)} for an operation whose output is also a
   * view of one tensor ({@code view}), reached through its inputs (a stack of views of one tensor
   * at equal distances): the engine may then place the output's gradient straight into that
   * tensor when no gradient in between is asked for, which is the same sum.
   */
  public static Tensor op(
      Tensor value, String name, BackwardFn backward, ViewOf view, Tensor... inputs) {
    return record(value, name, backward, view, -1, inputs);
  }

  /**
   * {@link #op(Tensor, String, BackwardFn, Tensor...)} for an operation whose rule hands its
   * output's gradient, unchanged, to input {@code passesTo} (of the output's shape), as {@code a *
   * b + c} does to {@code c}. When that input is a block of a tensor nobody has given a gradient
   * yet, a first-order pass then sums the output's gradient in place inside that tensor's
   * gradient, which takes it over instead of a copy. A rule that hands something else to that
   * input is still right, only without the saving.
   *
   * <pre>{@code
   * // z = eps * scale + loc: a reparameterized draw, whose gradient is loc's
   * Tensor z = Autodiff.opPassingTo(2, value, "mulAdd", (g, grads) -> {
   *   grads.addProduct(0, g, scale);
   *   grads.addProduct(1, g, eps);
   *   grads.add(2, g);
   * }, eps, scale, loc);
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code passesTo} is not an input of the output's shape
   */
  public static Tensor opPassingTo(int passesTo, Tensor value, String name, BackwardFn backward,
      Tensor... inputs) {
    if (passesTo < 0 || passesTo >= inputs.length
        || !inputs[passesTo].shape().equals(value.shape())) {
      throw new IllegalArgumentException(name + ": input " + passesTo + " cannot take the"
          + " output's gradient unchanged: expected an input of the output's shape "
          + value.shape() + (passesTo >= 0 && passesTo < inputs.length ? ", got "
              + inputs[passesTo].shape() : ", of " + inputs.length + " inputs"));
    }
    return record(value, name, backward, null, passesTo, inputs);
  }

  private static Tensor record(Tensor value, String name, BackwardFn backward, ViewOf view,
      int passesTo, Tensor... inputs) {
    if (!MODE.get().recording) {
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
    Node node = new Node(name, inputs, backward, view, passesTo);
    Tensor out = Tensor.withNode(value, node);
    node.output = out;
    return out;
  }

  /**
   * Records a view: {@code value} reads row-major positions {@code base + sum(idx[d] *
   * strides[d])} of {@code input}. The gradient is placed back at those positions ({@link
   * Gradients#addAt}), and the node tells what it reads ({@link Node#view()}). Returns {@code
   * value} itself when {@code input} is not tracked or recording is off.
   *
   * <pre>{@code
   * // row i of a [T, B] tensor x: positions i * B + j
   * Tensor row = Autodiff.view(rowValues, "select", x, i * b, new int[] {1});
   * }</pre>
   */
  public static Tensor view(Tensor value, String name, Tensor input, int base, int[] strides) {
    if (!MODE.get().recording || input.node() == null) {
      return value;
    }
    int[] st = strides.clone();
    Node node = new Node(name, new Tensor[] {input}, (g, grads) -> grads.addAt(0, g, base, st),
        new ViewOf(input, base, st), -1);
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
    return MODE.get().recording;
  }

  /** Runs {@code body} without recording (as JAX's {@code stop_gradient} over a whole block). */
  public static <T> T noGrad(Supplier<T> body) {
    Mode m = MODE.get();
    boolean was = m.recording;
    m.recording = false;
    try {
      return body.get();
    } finally {
      m.recording = was;
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
    boolean was = m.recording;
    m.recording = true;
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
      m.recording = was;
    }
  }

  /** The gradient of a scalar function of one tensor. */
  public static Tensor grad(Function<Tensor, Tensor> fn, Tensor x) {
    return valueAndGrad(p -> fn.apply(p.get("x")), Map.of("x", x)).grad().get("x");
  }

  /**
   * Gradients of {@code output} with respect to tracked tensors {@code wrt} (leaves or
   * intermediates), by {@link #backward}.
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
    Mode m = MODE.get();
    boolean was = m.recording;
    m.recording = createGraph; // a first-order pass records nothing, its rules included
    try {
      if (output.node() != null) {
        Tensor ones = seed != null ? seed : Tensor.ones(output.shape());
        PassGradients sums =
            createGraph ? new RecordedGradients() : new FirstOrderGradients(wanted.keySet());
        backward(output.node(), ones, sums, wanted, result);
      }
    } finally {
      m.recording = was;
    }
    for (int i = 0; i < wrt.length; i++) {
      if (result[i] == null) {
        result[i] = Tensor.zeros(wrt[i].shape());
      }
    }
    return result;
  }

  /**
   * The backward pass.
   *
   * <ol>
   *   <li>Order the nodes reachable from {@code root} topologically (iterative depth-first
   *       search, so a chain of any length uses constant stack).
   *   <li>Give the root its gradient, {@code seed}.
   *   <li>Visit the nodes from the root backwards. A node's gradient is complete when it is
   *       visited (every use of it comes later in the order); those asked for are kept.
   *   <li>The node's rule hands all its inputs' gradients to {@code sums} at once, which adds
   *       each to its input's running sum (a first-order pass in buffers it owns, reusing the
   *       node's own buffer for an input when the rule hands it on once and it was not asked
   *       for; a recorded pass with recorded operations).
   * </ol>
   */
  private static void backward(Node root, Tensor seed, PassGradients sums,
      IdentityHashMap<Node, List<Integer>> wanted, Tensor[] result) {
    List<Node> order = topologicalOrder(root);
    sums.seed(root, seed);
    for (int k = order.size() - 1; k >= 0; k--) {
      Node n = order.get(k);
      Tensor g = sums.take(n);
      if (g == null) {
        continue; // the root does not depend on n
      }
      for (int s : wanted.getOrDefault(n, List.of())) {
        result[s] = g;
      }
      if (n.backward != null) {
        sums.runRule(n, g);
      }
    }
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
