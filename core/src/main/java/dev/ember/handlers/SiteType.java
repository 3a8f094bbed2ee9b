// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/** The kind of a {@link Message}: which primitive sent it. */
public enum SiteType {
  /** A random variable: {@code sample(name, fn[, obs])}. */
  SAMPLE,
  /** A learnable parameter: {@code param(name, init)}. */
  PARAM,
  /** A recorded function of other sites: {@code deterministic(name, value)}. */
  DETERMINISTIC,
  /** The indices of a plate (subsampled or not). */
  PLATE,
  /** Data gathered to the current subsample: {@code subsample(data, eventDim)}. */
  SUBSAMPLE,
  /** A control-flow call ({@code scan}) whose body the value-giving handlers reach into. */
  CONTROL_FLOW,
  /** A request for a fresh random key: {@code prngKey()}. */
  PRNG_KEY
}
