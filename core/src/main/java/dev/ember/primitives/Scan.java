// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import dev.ember.dist.Distribution;
import dev.ember.handlers.BodyHandler;
import dev.ember.handlers.ControlFlow;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Message;
import dev.ember.handlers.Messenger;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A probabilistic scan: runs a body step by step over time, threading a carry, with the
 * value-giving handlers acting inside every step.
 *
 * <pre>{@code
 * import static dev.ember.primitives.Scan.scan;
 *
 * Model<Tensor> model = xs -> scan((state, x) -> {
 *   Tensor xt = sample("x", Normal.of(state, Tensor.scalar(1.0))); // x_t ~ N(x_{t-1}, 1)
 *   return ScanStep.of(xt, xt);
 * }, Tensor.scalar(0.0), xs);
 * }</pre>
 *
 * <p>How it runs:
 *
 * <ol>
 *   <li>A {@link SiteType#CONTROL_FLOW} message goes through the outer handlers: {@code seed}
 *       gives it one key; {@code substitute}, {@code condition}, {@code replay} and {@code scope}
 *       leave instructions for the body; a {@code plate} refuses it.
 *   <li>Each step runs under, from the outside in: a block (the body's sites do not reach the
 *       outer handlers while it runs), a trace, the outer value-giving handlers for this step's
 *       position, a seed with this step's key (split from the scan's key), and a guard that
 *       rejects {@code param} and nested scans. So every draw inside the body is the value the
 *       outer handlers give it at the point of sampling: replayed guide values flow into the
 *       carry and the outputs.
 *   <li>Each body site is then sent once through the outer handlers, stacked over time: its value
 *       and its distribution's parameters get a leading axis {@code [T, ...]} and the site is
 *       marked with that time axis, so its log-density is computed in one vectorized call and
 *       outer {@code scale}, {@code mask} and {@code trace} see one site per name. A site that
 *       some steps observed and others sampled records which ({@code observedSteps}).
 * </ol>
 *
 * <p>{@code reverse} runs the steps from the last position to the first; values keep their
 * positions (step {@code t} of a substituted or replayed series is used at position {@code t}).
 *
 * <p>References: NumPyro {@code contrib.control_flow.scan} (and its replay fix, NumPyro 0.14);
 * JAX {@code lax.scan}.
 */
public final class Scan {
  private Scan() {}

  /** Scans {@code f} over the leading axis of every leaf of {@code xs}. */
  public static <C, X, Y> ScanResult<C, Y> scan(ScanBody<C, X, Y> f, C init, X xs) {
    return scan(f, init, xs, -1, false);
  }

  /**
   * Scans {@code f} for {@code length} steps (or the leading axis of {@code xs} when {@code
   * length} is -1), optionally in reverse.
   */
  public static <C, X, Y> ScanResult<C, Y> scan(
      ScanBody<C, X, Y> f, C init, X xs, int length, boolean reverse) {
    int steps = resolveLength(xs, length);
    Run<C, X, Y> run = new Run<>(f, init, xs, steps, reverse);
    Message msg = new Message(SiteType.CONTROL_FLOW, null);
    msg.setPayload(run);
    HandlerStack.apply(msg);
    for (Message site : run.stackedSites) {
      HandlerStack.apply(site);
    }
    return new ScanResult<>(run.carry, run.ys);
  }

  private static int resolveLength(Object xs, int length) {
    if (xs == null) {
      if (length < 1) {
        throw new IllegalArgumentException("scan: with no xs, give length >= 1, got " + length);
      }
      return length;
    }
    List<Tensor> leaves = TensorTree.leaves(xs);
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("scan: xs has no tensors; pass null and a length");
    }
    int n = -1;
    for (Tensor t : leaves) {
      if (t.rank() == 0) {
        throw new IllegalArgumentException(
            "scan: every leaf of xs needs a leading time axis, got a scalar");
      }
      if (n >= 0 && t.dim(0) != n) {
        throw new IllegalArgumentException(
            "scan: the leaves of xs have different lengths on their time axis: " + n + " and "
                + t.dim(0));
      }
      n = t.dim(0);
    }
    if (length >= 0 && length != n) {
      throw new IllegalArgumentException(
          "scan: length " + length + " differs from the time axis of xs (" + n + ")");
    }
    if (n < 1) {
      throw new IllegalArgumentException("scan: needs at least one step");
    }
    return n;
  }

  /** Rejects what cannot be correct inside a body. */
  private static final class BodyGuard extends Messenger {
    @Override
    protected void process(Message msg) {
      if (msg.type() == SiteType.PARAM) {
        throw new UnsupportedOperationException(
            "param '" + msg.name() + "' inside a scan body: declare params outside the body and "
                + "use them inside (a body's params would not receive gradients)");
      }
      if (msg.type() == SiteType.CONTROL_FLOW) {
        throw new UnsupportedOperationException(
            "a scan nested in a scan body is not supported: unroll one of the loops, or merge "
                + "the two scans into one over a combined carry");
      }
    }
  }

  /** The body loop, run as the default step of the control-flow message. */
  private static final class Run<C, X, Y> implements ControlFlow {
    private final ScanBody<C, X, Y> body;
    private final X xs;
    private final int steps;
    private final boolean reverse;
    private C carry;
    private Y ys;
    private final List<Message> stackedSites = new ArrayList<>();
    /** The site names of the first step run, in the order it recorded them. */
    private List<String> names;
    /** The first step run. */
    private int namesPosition;
    /** Each body site's record at every step: {@code columns[site][position]}. */
    private Site[][] columns;

    Run(ScanBody<C, X, Y> body, C init, X xs, int steps, boolean reverse) {
      this.body = body;
      this.carry = init;
      this.xs = xs;
      this.steps = steps;
      this.reverse = reverse;
    }

    @Override
    public void execute(Message msg) {
      RngKey key = msg.rngKey();
      List<BodyHandler> outer = msg.bodyHandlers(); // innermost first
      List<Y> outputs = new ArrayList<>(java.util.Collections.nCopies(steps, (Y) null));
      for (int i = 0; i < steps; i++) {
        int position = reverse ? steps - 1 - i : i;
        X x = xs == null ? null : TensorTree.map(xs, t -> t.select(0, position)); // views
        RngKey stepKey = null;
        if (key != null) {
          RngKey[] k = key.split();
          key = k[0];
          stepKey = k[1];
        }
        List<Messenger> entered = new ArrayList<>();
        Trace tr;
        ScanStep<C, Y> result;
        try {
          entered.add(Handlers.block());
          tr = Handlers.trace();
          entered.add(tr);
          for (int j = outer.size() - 1; j >= 0; j--) {
            Messenger m = outer.get(j).forStep(position, steps);
            if (m != null) {
              entered.add(m.enter());
            }
          }
          if (stepKey != null) {
            entered.add(Handlers.seed(stepKey));
          }
          entered.add(new BodyGuard().enter());
          result = body.step(carry, x);
        } catch (Throwable e) {
          Messenger.closeAll(entered, e); // the body's failure propagates, the stack unwound
          throw e;
        }
        Messenger.closeAll(entered, null);
        if (result == null) {
          throw new IllegalStateException("scan: the body returned null; return ScanStep.of(carry, y)");
        }
        carry = result.carry();
        outputs.set(position, result.output());
        record(tr.sites(), position);
      }
      ys = outputs.get(0) == null ? null : TensorTree.stack(outputs);
      for (Site[] column : columns) {
        if (column[0].type() != SiteType.PLATE) { // plates stay in the sites' frames
          stackedSites.add(stack(column[0], java.util.Arrays.asList(column)));
        }
      }
    }

    /**
     * Files the sites one step recorded into {@link #columns}, checking that the step emitted the
     * same sites as the others with the same scale. Done right after the step, while its records
     * are still in the processor's caches.
     */
    private void record(Map<String, Site> sites, int position) {
      if (names == null) {
        names = List.copyOf(sites.keySet());
        namesPosition = position;
        columns = new Site[names.size()][steps];
      }
      boolean same = sites.size() == names.size();
      java.util.Iterator<Site> recorded = sites.values().iterator();
      for (int j = 0; same && j < names.size(); j++) {
        Site s = recorded.next();
        if (!s.name().equals(names.get(j))) {
          s = sites.get(names.get(j)); // the same sites in another order, or another site
        }
        same = s != null;
        if (same) {
          Site s0 = columns[j][namesPosition];
          if (s0 != null && s.scale() != s0.scale()) {
            throw new IllegalStateException(
                "scan: site '" + s.name() + "' changes its scale between steps (" + s0.scale()
                    + " at position " + namesPosition + ", " + s.scale() + " at position "
                    + position + "); use mask for time-varying weights");
          }
          columns[j][position] = s;
        }
      }
      if (!same) {
        throw new IllegalStateException(
            "scan: position " + position + " emitted sites " + sites.keySet()
                + " but position " + namesPosition + " emitted " + names
                + "; every step must emit the same sites (mask a site instead of skipping it)");
      }
    }

    private Message stack(Site s0, List<Site> perStep) {
      List<Tensor> values = new ArrayList<>(steps);
      for (Site s : perStep) {
        values.add(s.value());
      }
      Tensor value;
      try {
        value = stackColumn(values);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "scan: site '" + s0.name() + "' changes shape between steps: " + e.getMessage(), e);
      }
      Message m = new Message(s0.type(), s0.name());
      if (s0.type() == SiteType.SAMPLE) {
        Distribution fn = stackDistributions(s0.name(), perStep);
        value = promote(value, s0.value().rank(),
            s0.fn().batchShape().rank() + s0.fn().eventShape().rank());
        m.setFn(fn);
      }
      m.setValue(value);
      Tensor observedSteps = observedSteps(perStep);
      m.setObserved(observedSteps == null ? s0.observed() : true);
      m.setObservedSteps(observedSteps);
      m.setScale(s0.scale());
      m.plates().addAll(s0.plates());
      m.infer().putAll(s0.infer());
      m.setTimeSteps(steps);
      m.setControlFlowDone(true);
      return m;
    }

    /**
     * Which steps observed the site, {@code [T]} booleans by position, when some did and some did
     * not (a {@code condition} with fewer values than steps: the steps past the data sample);
     * null when every step agrees.
     */
    private static Tensor observedSteps(List<Site> perStep) {
      boolean[] observed = new boolean[perStep.size()];
      boolean mixed = false;
      for (int p = 0; p < observed.length; p++) {
        observed[p] = perStep.get(p).observed();
        mixed |= observed[p] != observed[0];
      }
      return mixed ? Tensor.ofBooleans(observed) : null;
    }

    /** Inserts singleton axes after time so a value broadcasts against its stacked distribution. */
    private static Tensor promote(Tensor stacked, int valueRank, int fnRank) {
      if (valueRank >= fnRank) {
        return stacked;
      }
      Shape s = stacked.shape();
      int[] dims = new int[1 + fnRank];
      java.util.Arrays.fill(dims, 1);
      dims[0] = s.dim(0);
      for (int i = 0; i < valueRank; i++) {
        dims[1 + fnRank - valueRank + i] = s.dim(1 + i);
      }
      return stacked.reshape(dims);
    }

    /**
     * {@code Tensor.stack(0, column)}: a view when the column's tensors are rows of one tensor in
     * order (a replayed series, the rows of the scanned input), else a copy.
     */
    private static Tensor stackColumn(List<Tensor> column) {
      return Tensor.stack(0, column);
    }

    private Distribution stackDistributions(String name, List<Site> perStep) {
      Distribution d0 = perStep.get(0).fn();
      List<Map<String, Tensor>> raw = new ArrayList<>(perStep.size()); // by step
      for (Site s : perStep) {
        if (s.fn().getClass() != d0.getClass()) {
          throw new IllegalStateException(
              "scan: site '" + name + "' changes its distribution between steps ("
                  + d0.name() + " and " + s.fn().name() + ")");
        }
        raw.add(s.fn().rawParams());
      }
      Map<String, Tensor> raw0 = raw.get(0);
      Map<String, Tensor> full0 = d0.params();
      Map<String, Tensor> stacked = new LinkedHashMap<>();
      for (String param : full0.keySet()) {
        Tensor p0 = raw0.get(param);
        boolean shared = true;
        for (Map<String, Tensor> r : raw) {
          shared &= r.get(param) == p0;
        }
        if (shared) {
          stacked.put(param, p0); // the same tensor at every step: broadcasts over time
          continue;
        }
        Shape full = full0.get(param).shape(); // batch + the parameter's own event shape
        List<Tensor> column = new ArrayList<>(perStep.size());
        for (Map<String, Tensor> r : raw) {
          column.add(r.get(param).broadcastTo(full));
        }
        try {
          stacked.put(param, stackColumn(column));
        } catch (IllegalArgumentException ex) {
          throw new IllegalStateException(
              "scan: site '" + name + "' has parameter " + param
                  + " of changing shape between steps: " + ex.getMessage(), ex);
        }
      }
      // every element was accepted by the family when the per-step distributions were built
      Distribution d = d0.withAcceptedParams(stacked);
      Shape want = d0.batchShape().prepend(perStep.size()); // [T] + per-step batch
      return d.batchShape().equals(want) ? d : d.expand(want);
    }
  }
}
