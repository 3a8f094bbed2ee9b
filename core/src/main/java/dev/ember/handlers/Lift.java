// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns {@code param} sites into {@code sample} sites drawn from a prior (a Bayesian version of a
 * model fitted by maximum likelihood); a name used twice gets the same draw. Params cannot live in
 * a scan body, so a lift around a scan has nothing inside it to reach.
 *
 * <pre>{@code
 * Model<Tensor> bayesian = Handlers.lift(model, name -> Normal.standard());
 * }</pre>
 */
public final class Lift extends Messenger {
  private final Function<String, Distribution> prior;
  private final Map<String, Tensor> drawn = new HashMap<>();

  Lift(Function<String, Distribution> prior) {
    this.prior = prior;
  }

  @Override
  protected void process(Message msg) {
    if (msg.type() != SiteType.PARAM || msg.value() != null) {
      return;
    }
    Distribution d = prior.apply(msg.name());
    if (d == null) {
      return;
    }
    msg.setType(SiteType.SAMPLE);
    msg.setFn(d);
    Tensor seen = drawn.get(msg.name());
    if (seen != null) {
      msg.setValue(seen);
    } else if (msg.rngKey() == null) {
      msg.setRngKey(HandlerStack.apply(new Message(SiteType.PRNG_KEY, null)).rngKey());
    }
  }

  @Override
  protected void postprocess(Message msg) {
    if (msg.type() == SiteType.SAMPLE && msg.name() != null && prior.apply(msg.name()) != null) {
      drawn.putIfAbsent(msg.name(), msg.value());
    }
  }
}
