// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * The payload of a {@link SiteType#CONTROL_FLOW} message: the call the default step runs, after
 * the outer handlers have given the message its key and its {@link Message#bodyHandlers()}.
 */
@FunctionalInterface
public interface ControlFlow {
  /** Runs the call (e.g. all steps of a scan) with the message as the handlers left it. */
  void execute(Message msg);
}
