// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.dist.constraints.Constraint;
import java.io.Serializable;
import java.util.Map;

/**
 * What every step's tasks share, broadcast once per fit: the engine (model, guide, optimizer),
 * the global params' constraints, the per-series params' layout, N and B.
 *
 * <pre>{@code
 * Broadcast<FitContext> ctx = jsc.broadcast(new FitContext(engine, constraints, local, n, b));
 * }</pre>
 *
 * @param engine computes a shard's terms
 * @param constraints the global params' constraints
 * @param local the per-series params ({@link SeriesParams#none()} without)
 * @param totalSeries N
 * @param batchSize B
 */
record FitContext(ShardEngine engine, Map<String, Constraint> constraints, SeriesParams local,
    long totalSeries, int batchSize) implements Serializable {}
