// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records every named site, in execution order; the recorded sites are the trace.
 *
 * <pre>{@code
 * Trace tr = Handlers.trace(Handlers.seed(model, RngKey.of(0))).getTrace(data);
 * tr.get("x").value();
 * tr.logProbSum(); // the scaled, masked log joint of all sample sites
 * }</pre>
 */
public final class Trace extends Messenger {
  private final Map<String, Site> sites = new LinkedHashMap<>();

  @Override
  protected void postprocess(Message msg) {
    if (msg.name() == null || msg.type() == SiteType.PRNG_KEY
        || msg.type() == SiteType.SUBSAMPLE || msg.type() == SiteType.CONTROL_FLOW) {
      return;
    }
    Site previous = sites.get(msg.name());
    if (previous != null && msg.type() != SiteType.PLATE) {
      throw new IllegalArgumentException(
          "duplicate site name '" + msg.name() + "': every sample, param and deterministic site "
              + "needs a unique name (in a Java loop, put the index in the name; inside scan, "
              + "each body site is recorded once, stacked over time)");
    }
    if (previous == null) {
      sites.put(msg.name(), Site.of(msg));
    }
  }

  /** The recorded sites by name, in execution order. */
  public Map<String, Site> sites() {
    return Collections.unmodifiableMap(sites);
  }

  /** The site named {@code name}; throws naming the recorded sites if there is none. */
  public Site get(String name) {
    Site s = sites.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "no site '" + name + "' in the trace; recorded sites: " + sites.keySet());
    }
    return s;
  }

  /** Whether a site of that name was recorded. */
  public boolean contains(String name) {
    return sites.containsKey(name);
  }

  /** Each sample site's scaled log-density term, summed over its elements. */
  public Map<String, Tensor> logProbs() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (Site s : sites.values()) {
      if (s.type() == SiteType.SAMPLE) {
        m.put(s.name(), s.scaledLogProbSum());
      }
    }
    return m;
  }

  /** The sum of {@link #logProbs()}: the log joint density of the recorded values. */
  public Tensor logProbSum() {
    Tensor total = Tensor.scalar(0.0);
    for (Tensor t : logProbs().values()) {
      total = total.add(t);
    }
    return total;
  }
}
