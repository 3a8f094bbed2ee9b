// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
  boolean stepIntoIfFinite(double lr, long step, Tensor grad, double[] x, double[][] slots,
      double[] xOut, double[][] slotsOut) {
    if (!grad.allFinite()) {
      return false;
    }
    stepInto(lr, step, x, grad.sharedValues(), slots, xOut, slotsOut);
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
   * The update written into the state's own arrays with {@link #step}. Everything that can fail
   * (the gradients' values, as {@link #updateIfFinite} checks them first; names, shapes, slots,
   * the learning rate) is checked before the first write, so a failed or refused update leaves
   * the state as it was.
   */
  @Override
  public final OptimizerState updateInPlaceIfFinite(
      Map<String, Tensor> grads, OptimizerState state) {
    Objects.requireNonNull(grads, name + ".update: grads");
    Objects.requireNonNull(state, name + ".update: state");
    for (Tensor g : grads.values()) {
      if (!g.allFinite()) {
        return null;
      }
    }
    checkKeys(grads, state);
    long t = state.step();
    double lr = checkedRate(t);
    Map<String, double[][]> moments = new LinkedHashMap<>();
    Set<double[]> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Map.Entry<String, Tensor> e : state.params().entrySet()) {
      String param = e.getKey();
      Shape shape = e.getValue().shape();
      checkGradientShape(param, shape, grads.get(param));
      double[][] m = moments(param, shape, state.slots().get(param));
      moments.put(param, m);
      owned.add(e.getValue().sharedValues());
      owned.addAll(Arrays.asList(m));
    }
    if (owned.size() != state.params().size() * (slotNames.length + 1)) {
      throw new IllegalArgumentException(name + ".updateInPlaceIfFinite: the state's params and "
          + "moments share arrays; give it a state whose every tensor owns its values");
    }
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.params().entrySet()) {
      String param = e.getKey();
      Shape shape = e.getValue().shape();
      double[] g = grads.get(param).sharedValues();
      if (owned.contains(g)) {
        g = g.clone(); // a gradient that is a param's own values: read it before any write
      }
      double[] x = e.getValue().sharedValues();
      double[][] m = moments.get(param);
      step(lr, t, x, g, m);
      // new tensors over the same arrays: what was cached about the old values goes with them
      adopt(param, shape, x, m, values, slots);
    }
    return new OptimizerState(Math.addExact(t, 1), values, slots);
  }

  /** Puts a parameter's values and moments into a new state's maps as tensors over the arrays. */
  private static void adopt(String param, Shape shape, double[] x, double[][] moments,
      Map<String, Tensor> values, Map<String, List<Tensor>> slots) {
    values.put(param, Tensor.adopt(x, shape));
    List<Tensor> next = new ArrayList<>(moments.length);
    for (double[] m : moments) {
      next.add(Tensor.adopt(m, shape));
    }
    slots.put(param, next);
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
    checkKeys(grads, state);
    long t = state.step();
    double lr = checkedRate(t);
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.params().entrySet()) {
      String param = e.getKey();
      Shape shape = e.getValue().shape();
      Tensor grad = grads.get(param);
      checkGradientShape(param, shape, grad);
      double[][] moments = moments(param, shape, state.slots().get(param));
      int n = shape.numel();
      double[] x = new double[n];
      double[][] nextMoments = new double[moments.length][n];
      double[] old = e.getValue().sharedValues();
      if (!onlyIfFinite) {
        stepInto(lr, t, old, grad.sharedValues(), moments, x, nextMoments);
      } else if (!stepIntoIfFinite(lr, t, grad, old, moments, x, nextMoments)) {
        return null;
      }
      adopt(param, shape, x, nextMoments, values, slots);
    }
    return new OptimizerState(Math.addExact(t, 1), values, slots);
  }

  /** Gradients and parameters must name the same sites: a mismatch is a bug upstream. */
  private void checkKeys(Map<String, Tensor> grads, OptimizerState state) {
    for (String param : state.params().keySet()) {
      if (grads.get(param) == null) {
        throw new IllegalArgumentException(
            name + ".update: no gradient for parameter '" + param + "' of shape "
                + state.params().get(param).shape() + " (parameters: "
                + state.params().keySet() + ", gradients: " + grads.keySet() + ")");
      }
    }
    for (Map.Entry<String, Tensor> e : grads.entrySet()) {
      if (!state.params().containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            name + ".update: gradient '" + e.getKey() + "' of shape " + e.getValue().shape()
                + " has no parameter (parameters: " + state.params().keySet() + ")");
      }
    }
  }

  /** A parameter's moments (read-only), after checking they are what this optimizer keeps. */
  private double[][] moments(String param, Shape shape, List<Tensor> given) {
    if (given.size() != slotNames.length) {
      throw new IllegalArgumentException(
          name + ".update: the state has " + given.size() + " slots for '" + param + "' but "
              + name + " keeps " + slotNames.length + " " + List.of(slotNames)
              + "; was the state made by another optimizer's init?");
    }
    double[][] out = new double[slotNames.length][];
    for (int i = 0; i < out.length; i++) {
      Tensor m = given.get(i);
      if (!m.shape().equals(shape)) {
        throw new IllegalArgumentException(
            name + ".update: slot '" + slotNames[i] + "' of '" + param + "' has shape "
                + m.shape() + " but the parameter has shape " + shape);
      }
      out[i] = m.sharedValues();
    }
    return out;
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
