// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The shared part of optimizers whose update acts on each parameter separately, with a fixed
 * number of moment tensors of the parameter's shape: key and shape checks, the schedule, and
 * building the new state. A subclass supplies only {@link #step}, the update of one parameter.
 */
abstract class ElementwiseOptimizer implements Optimizer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String[] slotNames;
  final LearningRate learningRate;

  /**
   * @param name the class name, for messages
   * @param learningRate the schedule
   * @param slotNames the moments kept per parameter, in slot order (for messages)
   */
  ElementwiseOptimizer(String name, LearningRate learningRate, String... slotNames) {
    this.name = name;
    this.learningRate = Objects.requireNonNull(learningRate, name + ": learning rate");
    this.slotNames = slotNames.clone();
  }

  /**
   * Updates one parameter in place.
   *
   * @param lr the schedule's value at {@code step}
   * @param step the number of updates applied before this one
   * @param x the parameter's values, updated in place
   * @param g the gradient's values, not to be written
   * @param slots the moments, each of {@code x.length} values, updated in place
   */
  abstract void step(double lr, long step, double[] x, double[] g, double[][] slots);

  /**
   * Updates one parameter into new arrays, leaving the old ones as they are (they belong to the
   * previous state). By default the old values are copied into the new arrays and {@link #step}
   * updates those; an optimizer may override it with one pass that reads the old arrays and
   * writes the new ones, which saves the copies.
   *
   * @param x the parameter's values, not to be written
   * @param g the gradient's values, not to be written
   * @param slots the moments, not to be written
   * @param xOut receives the updated values
   * @param slotsOut receive the updated moments
   */
  void stepInto(double lr, long step, double[] x, double[] g, double[][] slots, double[] xOut,
      double[][] slotsOut) {
    System.arraycopy(x, 0, xOut, 0, x.length);
    for (int i = 0; i < slots.length; i++) {
      System.arraycopy(slots[i], 0, slotsOut[i], 0, slots[i].length);
    }
    step(lr, step, xOut, g, slotsOut);
  }

  @Override
  public boolean isElementwise() {
    return true;
  }

  /**
   * {@link #stepInto} on the caller's arrays, the kernel that {@link #update} runs per tensor
   * (refused, as by default, where a subclass is not elementwise).
   */
  @Override
  public final void updateElements(long step, double[] x, double[] g, double[][] slots,
      double[] xOut, double[][] slotsOut) {
    ElementArrays.check(this, name, x, g, slots, xOut, slotsOut, slotNames.length);
    stepInto(checkedRate(step), step, x, g, slots, xOut, slotsOut);
  }

  @Override
  public final OptimizerState init(Map<String, Tensor> params) {
    Objects.requireNonNull(params, name + ".init: params");
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    params.forEach(
        (param, value) -> {
          Objects.requireNonNull(value, () -> name + ".init: null value for '" + param + "'");
          // A fresh float64 copy: the caller's tensor may be tracked or boolean.
          values.put(param, Tensor.of(value.toArray(), value.shape()));
          slots.put(param, Collections.nCopies(slotNames.length, Tensor.zeros(value.shape())));
        });
    return new OptimizerState(0, values, slots);
  }

  /**
   * {@link #stepInto}, or false, with the new arrays left holding anything, when a gradient value
   * is not finite. By default the gradient is checked first; an optimizer may check it in its own
   * pass.
   */
  boolean stepIntoIfFinite(double lr, long step, double[] x, double[] g, double[][] slots,
      double[] xOut, double[][] slotsOut) {
    for (double v : g) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    stepInto(lr, step, x, g, slots, xOut, slotsOut);
    return true;
  }

  @Override
  public final OptimizerState update(Map<String, Tensor> grads, OptimizerState state) {
    return update(grads, state, false);
  }

  /** The update, checking the gradients' values for finiteness as each parameter is updated. */
  @Override
  public final OptimizerState updateIfFinite(Map<String, Tensor> grads, OptimizerState state) {
    try {
      return update(grads, state, true);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Invalid arguments: the gradients' values are checked before the arguments, as by default
      return Optimizer.super.updateIfFinite(grads, state);
    }
  }

  /**
   * The update written into the fit's own buffers with {@link #step}. Everything that can fail
   * (the gradients' values, as {@link #updateIfFinite} checks them first; names, shapes, slots,
   * the learning rate) is checked before the first write, so a failed or refused update leaves
   * the buffers as they were.
   */
  @Override
  public final boolean updateInPlaceIfFinite(Map<String, Tensor> grads, OptimizerBuffers state) {
    Objects.requireNonNull(grads, name + ".update: grads");
    Objects.requireNonNull(state, name + ".update: state");
    for (Tensor g : grads.values()) {
      if (!g.allFinite()) {
        return false;
      }
    }
    Map<String, OwnedBuffer> params = state.params();
    checkKeys(grads, params.keySet(), n -> params.get(n).shape());
    long t = state.step();
    double lr = checkedRate(t);
    for (Map.Entry<String, OwnedBuffer> e : params.entrySet()) {
      String param = e.getKey();
      Shape shape = e.getValue().shape();
      checkGradientShape(param, shape, grads.get(param));
      List<OwnedBuffer> moments = state.slots(param);
      checkSlots(param, shape, moments.size(), i -> moments.get(i).shape());
    }
    for (Map.Entry<String, OwnedBuffer> e : params.entrySet()) {
      String param = e.getKey();
      List<OwnedBuffer> moments = state.slots(param);
      OwnedBuffer[] targets = new OwnedBuffer[1 + moments.size()];
      targets[0] = e.getValue();
      for (int i = 0; i < moments.size(); i++) {
        targets[1 + i] = moments.get(i);
      }
      OwnedBuffer.write(targets, new Tensor[] {grads.get(param)},
          (out, in) -> step(lr, t, out[0], in[0], Arrays.copyOfRange(out, 1, out.length)));
    }
    state.advance();
    return true;
  }

  /** The schedule's value at step {@code t}, which must be finite and non-negative. */
  private double checkedRate(long t) {
    double lr = learningRate.at(t);
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalStateException(
          name + ": the learning rate " + learningRate + " is " + lr + " at step " + t
              + "; it must be finite and >= 0");
    }
    return lr;
  }

  private void checkGradientShape(String param, Shape shape, Tensor grad) {
    if (!grad.shape().equals(shape)) {
      throw new IllegalArgumentException(
          name + ".update: the gradient of '" + param + "' has shape " + grad.shape()
              + " but the parameter has shape " + shape);
    }
  }

  private OptimizerState update(
      Map<String, Tensor> grads, OptimizerState state, boolean onlyIfFinite) {
    Objects.requireNonNull(grads, name + ".update: grads");
    Objects.requireNonNull(state, name + ".update: state");
    checkKeys(grads, state.params().keySet(), n -> state.params().get(n).shape());
    long t = state.step();
    double lr = checkedRate(t);
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.params().entrySet()) {
      String param = e.getKey();
      Shape shape = e.getValue().shape();
      Tensor grad = grads.get(param);
      checkGradientShape(param, shape, grad);
      List<Tensor> moments = state.slots().get(param);
      checkSlots(param, shape, moments.size(), i -> moments.get(i).shape());
      // the new values and moments in new buffers, written once by the kernel and never again
      OwnedBuffer[] out = new OwnedBuffer[1 + moments.size()];
      Tensor[] in = new Tensor[2 + moments.size()];
      out[0] = OwnedBuffer.zeros(shape);
      in[0] = e.getValue();
      in[1] = grad;
      for (int i = 0; i < moments.size(); i++) {
        out[1 + i] = OwnedBuffer.zeros(shape);
        in[2 + i] = moments.get(i);
      }
      boolean[] finite = {true};
      OwnedBuffer.write(out, in, (o, s) -> {
        double[][] old = Arrays.copyOfRange(s, 2, s.length);
        double[][] next = Arrays.copyOfRange(o, 1, o.length);
        if (onlyIfFinite) {
          finite[0] = stepIntoIfFinite(lr, t, s[0], s[1], old, o[0], next);
        } else {
          stepInto(lr, t, s[0], s[1], old, o[0], next);
        }
      });
      if (!finite[0]) {
        return null;
      }
      values.put(param, out[0].view());
      List<Tensor> next = new ArrayList<>(moments.size());
      for (int i = 0; i < moments.size(); i++) {
        next.add(out[1 + i].view());
      }
      slots.put(param, next);
    }
    return new OptimizerState(Math.addExact(t, 1), values, slots);
  }

  /** Gradients and parameters must name the same sites: a mismatch is a bug upstream. */
  private void checkKeys(Map<String, Tensor> grads, Set<String> names,
      Function<String, Shape> shapes) {
    for (String param : names) {
      if (grads.get(param) == null) {
        throw new IllegalArgumentException(
            name + ".update: no gradient for parameter '" + param + "' of shape "
                + shapes.apply(param) + " (parameters: " + names + ", gradients: "
                + grads.keySet() + ")");
      }
    }
    for (Map.Entry<String, Tensor> e : grads.entrySet()) {
      if (!names.contains(e.getKey())) {
        throw new IllegalArgumentException(
            name + ".update: gradient '" + e.getKey() + "' of shape " + e.getValue().shape()
                + " has no parameter (parameters: " + names + ")");
      }
    }
  }

  /** A parameter's moments must be what this optimizer keeps, each of the parameter's shape. */
  private void checkSlots(String param, Shape shape, int count, IntFunction<Shape> shapes) {
    if (count != slotNames.length) {
      throw new IllegalArgumentException(
          name + ".update: the state has " + count + " slots for '" + param + "' but "
              + name + " keeps " + slotNames.length + " " + List.of(slotNames)
              + "; was the state made by another optimizer's init?");
    }
    for (int i = 0; i < count; i++) {
      if (!shapes.apply(i).equals(shape)) {
        throw new IllegalArgumentException(
            name + ".update: slot '" + slotNames[i] + "' of '" + param + "' has shape "
                + shapes.apply(i) + " but the parameter has shape " + shape);
      }
    }
  }

  /** The class name and hyper-parameters, e.g. {@code Adam(lr=constant(0.1), b1=0.9, ...)}. */
  @Override
  public String spec() {
    String extra = describe();
    return name + "(lr=" + learningRate.spec() + (extra.isEmpty() ? "" : ", " + extra) + ")";
  }

  /** {@link #spec()}. */
  @Override
  public String toString() {
    return spec();
  }

  /** The hyper-parameters other than the learning rate, for {@link #spec()}. */
  abstract String describe();
}
