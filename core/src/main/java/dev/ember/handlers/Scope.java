// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * Prefixes the names of the sites inside it: {@code prefix + "/" + name}. Around a {@code scan}
 * it renames inside the body too, so handlers outside the scope see the scoped names at every
 * step.
 *
 * <pre>{@code
 * try (Scope s = Handlers.scope("encoder")) {
 *   param("w", Tensor.zeros(3)); // the site "encoder/w"
 * }
 * }</pre>
 */
public final class Scope extends Messenger {
  private final String prefix;

  Scope(String prefix) {
    this.prefix = prefix;
  }

  @Override
  protected void process(Message msg) {
    if (msg.isControlFlowDone()) {
      return; // renamed inside the body already
    }
    switch (msg.type()) {
      case CONTROL_FLOW:
        msg.bodyHandlers().add((p, n) -> new Scope(prefix));
        break;
      case SAMPLE:
      case PARAM:
      case DETERMINISTIC:
      case PLATE:
        msg.setName(prefix + "/" + msg.name());
        break;
      default:
        break;
    }
  }
}
