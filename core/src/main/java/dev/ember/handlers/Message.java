// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.dist.constraints.Constraint;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a primitive sends through the handler stack: a typed, mutable record that handlers read
 * and edit ({@link HandlerStack#apply}).
 *
 * <p>Which fields matter depends on the {@link SiteType}: a sample site has a distribution
 * ({@link #fn}) and gets a {@link #value} (its observation, a substituted value, or a draw made
 * with {@link #rngKey}); a param site has an initial value and a constraint; a plate site's value
 * is its indices; a control-flow message carries the call to run and the value-giving handlers
 * that must reach into it ({@link #bodyHandlers}).
 */
public final class Message {
  private SiteType type;
  private String name;
  private Distribution fn;
  private Tensor value;
  private List<Tensor> intermediates = List.of();
  private boolean observed;
  private RngKey rngKey;
  private double scale = 1.0;
  private final List<PlateFrame> plates = new ArrayList<>();
  private final Map<String, Object> infer = new LinkedHashMap<>();
  private boolean stop;
  private Function<RngKey, Tensor> init;
  private Constraint constraint;
  private Object payload;
  private final List<BodyHandler> bodyHandlers = new ArrayList<>();
  private int timeSteps;
  private Tensor observedSteps;
  private boolean controlFlowDone;

  /** A message of the given type and name. */
  public Message(SiteType type, String name) {
    this.type = type;
    this.name = name;
  }

  /** The primitive that sent it. */
  public SiteType type() {
    return type;
  }

  /** Changes the primitive (lift turns a param into a sample site). */
  void setType(SiteType type) {
    this.type = type;
  }

  /** A copy with the same fields (lists and maps copied), for handlers that split a site. */
  Message copy() {
    Message m = new Message(type, name);
    m.fn = fn;
    m.value = value;
    m.observed = observed;
    m.rngKey = rngKey;
    m.scale = scale;
    m.plates.addAll(plates);
    m.infer.putAll(infer);
    m.stop = stop;
    m.init = init;
    m.constraint = constraint;
    m.payload = payload;
    m.bodyHandlers.addAll(bodyHandlers);
    m.timeSteps = timeSteps;
    m.observedSteps = observedSteps;
    m.controlFlowDone = controlFlowDone;
    return m;
  }

  /** The site name (null for unnamed messages). */
  public String name() {
    return name;
  }

  /** Renames the site (scope). */
  public void setName(String name) {
    this.name = name;
  }

  /** The distribution of a sample site. */
  public Distribution fn() {
    return fn;
  }

  /** Replaces the distribution (plates expand it, mask wraps it). */
  public void setFn(Distribution fn) {
    this.fn = fn;
  }

  /** The value, or null before the default step gives one. */
  public Tensor value() {
    return value;
  }

  /** Gives the site its value (with no intermediates: it is not known as a draw). */
  public void setValue(Tensor value) {
    this.value = value;
    this.intermediates = List.of();
  }

  /**
   * Gives the site a value that its distribution drew, with the intermediates it computed on the
   * way ({@link Distribution#rsampleWithIntermediates}), so that scoring the site can use them.
   */
  public void setValue(Tensor value, List<Tensor> intermediates) {
    this.value = value;
    this.intermediates = List.copyOf(intermediates);
  }

  /** The intermediates of the draw that gave the value (empty unless the default step drew it). */
  public List<Tensor> intermediates() {
    return intermediates;
  }

  /** Whether the value is an observation (scored, never sampled, never replayed). */
  public boolean isObserved() {
    return observed;
  }

  /** Marks the site observed or latent. */
  public void setObserved(boolean observed) {
    this.observed = observed;
  }

  /** The key the default step draws with, or null. */
  public RngKey rngKey() {
    return rngKey;
  }

  /** Sets the key (seed). */
  public void setRngKey(RngKey rngKey) {
    this.rngKey = rngKey;
  }

  /** The multiplicative weight of this site's log-density. */
  public double scale() {
    return scale;
  }

  /** Sets the weight (scale handlers and subsampled plates multiply it). */
  public void setScale(double scale) {
    this.scale = scale;
  }

  /** The enclosing plates, innermost last; mutable so that plates can add themselves. */
  public List<PlateFrame> plates() {
    return plates;
  }

  /** Free-form settings for inference algorithms; mutable. */
  public Map<String, Object> infer() {
    return infer;
  }

  /** Whether a handler blocked the handlers outside it. */
  public boolean isStopped() {
    return stop;
  }

  /** Stops the message from reaching handlers further out. */
  public void stop() {
    this.stop = true;
  }

  /**
   * A param's initial value as a function of a key; null for other types, and for a param declared
   * without one ({@code param(name)}), whose value a handler must give.
   */
  public Function<RngKey, Tensor> init() {
    return init;
  }

  /** Sets the param's initial value. */
  public void setInit(Function<RngKey, Tensor> init) {
    this.init = init;
  }

  /** A param's constraint. */
  public Constraint constraint() {
    return constraint;
  }

  /** Sets the param's constraint. */
  public void setConstraint(Constraint constraint) {
    this.constraint = constraint;
  }

  /**
   * Type-specific data: a plate's sizes, the data of a subsample, the call of a control flow, the
   * hidden message a key request is made for (by {@link Block}).
   */
  public Object payload() {
    return payload;
  }

  /** Sets the type-specific data. */
  public void setPayload(Object payload) {
    this.payload = payload;
  }

  /**
   * For control flow: the value-giving handlers (seed excepted) that must act inside the body,
   * innermost first, as they were met on the way out.
   */
  public List<BodyHandler> bodyHandlers() {
    return bodyHandlers;
  }

  /**
   * For a site re-emitted by {@code scan}: the length T of its leading time axis (axis 0 of its
   * value and of its distribution's batch shape); 0 for a site outside any scan.
   */
  public int timeSteps() {
    return timeSteps;
  }

  /** Marks the site as stacked over {@code timeSteps} steps. */
  public void setTimeSteps(int timeSteps) {
    this.timeSteps = timeSteps;
  }

  /**
   * For a site re-emitted by {@code scan} that some steps observed and others sampled (e.g. under
   * a {@code condition} with fewer values than steps): which steps observed it, {@code [T]}
   * booleans by position; such a site counts as {@link #isObserved() observed}. Null when every
   * step agrees.
   */
  public Tensor observedSteps() {
    return observedSteps;
  }

  /** Records which steps observed a partly observed scanned site (null: all steps agree). */
  public void setObservedSteps(Tensor observedSteps) {
    this.observedSteps = observedSteps;
  }

  /**
   * Whether this is a site re-emitted after its control-flow body ran: value-giving handlers
   * already acted inside the body and must not act again (replay excepted: it agrees).
   */
  public boolean isControlFlowDone() {
    return controlFlowDone;
  }

  /** Marks a re-emitted site. */
  public void setControlFlowDone(boolean done) {
    this.controlFlowDone = done;
  }

  @Override
  public String toString() {
    return type + " '" + name + "'";
  }
}
