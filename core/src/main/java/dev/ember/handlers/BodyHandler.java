// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * A value-giving handler's instruction for the body of a control-flow call: given the step
 * position, the handler to install around that step (or null for none). {@code substitute},
 * {@code condition} and {@code replay} provide one, so they act at the point of sampling inside
 * every step instead of patching recorded values afterwards.
 */
@FunctionalInterface
public interface BodyHandler {
  /**
   * The handler for the step at {@code position} of a body of {@code length} steps.
   *
   * @param position the step's position on the time axis (reverse scans keep positions)
   * @param length the number of steps
   */
  Messenger forStep(int position, int length);
}
