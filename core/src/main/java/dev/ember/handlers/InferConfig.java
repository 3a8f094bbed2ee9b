// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import java.util.Map;
import java.util.function.Function;

/**
 * Adds entries to the {@code infer} settings of the sample sites inside it.
 *
 * <pre>{@code
 * try (InferConfig c = Handlers.inferConfig(m -> Map.of("annealed", true))) { ... }
 * }</pre>
 */
public final class InferConfig extends Messenger {
  private final Function<Message, Map<String, Object>> config;

  InferConfig(Function<Message, Map<String, Object>> config) {
    this.config = config;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() == SiteType.SAMPLE) {
      Map<String, Object> extra = config.apply(msg);
      if (extra != null) {
        msg.infer().putAll(extra);
      }
    }
  }
}
