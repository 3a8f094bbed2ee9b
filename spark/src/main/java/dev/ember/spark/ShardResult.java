// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mergeable result of one step over some partitions: per partition, its weighted loss term
 * ({@link ShardEngine#compute}: its rows' local terms times N / B and the global terms times its
 * share of the minibatch), that term's gradient, its rows in the minibatch, and the rows and sites
 * whose terms were not finite, if any.
 *
 * <p>The partitions' parts are kept by partition index and summed in index order by {@link
 * #loss()} and {@link #gradient}: the total is then the same bits however Spark schedules and
 * merges the tasks. Merging is associative and commutative, and {@link #empty()} is its identity.
 *
 * <pre>{@code
 * ShardResult r = ShardResult.empty().add(p0).merge(ShardResult.empty().add(p1));
 * double loss = r.loss();   // p0 + p1, in partition order
 * }</pre>
 */
public final class ShardResult implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What one partition computed.
   *
   * @param partition its index
   * @param rows its rows in the minibatch
   * @param loss its weighted loss term
   * @param gradient that term's gradient, flattened in the params' layout
   * @param problems the rows and sites whose terms are not finite (empty when all are)
   */
  public record Part(int partition, long rows, double loss, double[] gradient,
      List<String> problems) implements Serializable {}

  private final TreeMap<Integer, Part> parts;

  private ShardResult(TreeMap<Integer, Part> parts) {
    this.parts = parts;
  }

  /** No partition. */
  public static ShardResult empty() {
    return new ShardResult(new TreeMap<>());
  }

  /** This and one more partition's part (a new value). */
  public ShardResult add(Part p) {
    TreeMap<Integer, Part> m = new TreeMap<>(parts);
    if (m.put(p.partition(), p) != null) {
      throw new IllegalStateException("partition " + p.partition() + " reported twice");
    }
    return new ShardResult(m);
  }

  /** The union of two results over disjoint partitions (a new value). */
  public ShardResult merge(ShardResult other) {
    ShardResult r = this;
    for (Part p : other.parts.values()) {
      r = r.add(p);
    }
    return r;
  }

  /** The parts, by partition index. */
  public Map<Integer, Part> parts() {
    return java.util.Collections.unmodifiableMap(parts);
  }

  /** The rows in the minibatch, over all partitions. */
  public long rows() {
    long n = 0;
    for (Part p : parts.values()) {
      n += p.rows();
    }
    return n;
  }

  /** The step's loss: the partitions' terms, summed in partition order. */
  public double loss() {
    double s = 0;
    for (Part p : parts.values()) {
      s += p.loss();
    }
    return s;
  }

  /** The step's gradient ({@code size} entries): the partitions', summed in partition order. */
  public double[] gradient(int size) {
    double[] g = new double[size];
    for (Part p : parts.values()) {
      double[] pg = p.gradient();
      for (int i = 0; i < size; i++) {
        g[i] += pg[i];
      }
    }
    return g;
  }

  /** The problems the partitions reported, in partition order. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    for (Part p : parts.values()) {
      out.addAll(p.problems());
    }
    return out;
  }

  @Override
  public String toString() {
    return "ShardResult(partitions=" + parts.keySet() + ", rows=" + rows() + ", loss=" + loss()
        + ")";
  }
}
