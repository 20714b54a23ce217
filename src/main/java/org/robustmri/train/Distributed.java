package org.robustmri.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.model.Parameters;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training over libtorch's own c10d (Gloo on CPU, NCCL on CUDA, each rank on its own GPU; there is no DistributedDataParallel in the Java
 * binding, so this is its contract by hand): rank 0's initial weights are broadcast; after each backward pass the
 * gradients are summed across ranks in a few flat buckets (one collective per bucket, not per parameter), each rank's
 * contribution weighted by its share of the global batch, so N ranks with a batch of b take the same step as one
 * rank with a batch of N b. A rank that dies makes the others' collectives fail (Gloo sees the closed connection, or
 * the timeout passes) with an error that says so.
 */
public final class Distributed implements AutoCloseable {
    /** Where a rank finds the others: its rank, the world size, the rendezvous (rank 0's TCP store) and the timeout. */
    public record Config(int rank, int world, String host, int port, long timeoutMillis) {
        public Config {
            if (world < 1) throw new IllegalArgumentException("world size must be at least 1, got " + world);
            if (rank < 0 || rank >= world) throw new IllegalArgumentException("rank must be in [0, " + world + "), got " + rank);
            if (world > 1 && (port < 1 || port > 65535)) throw new IllegalArgumentException("master port must be in 1..65535, got " + port);
        }
    }

    private static final long BUCKET_ELEMENTS = 16L << 20; // 64 MiB of float32 per collective

    private final int rank;
    private final int world;
    private final TCPStore store;
    private final Backend group;
    private final long timeoutMillis;
    private final Device device; // where the collectives' tensors live: the CPU for Gloo, this rank's GPU for NCCL
    private final String backend;

    private Distributed(int rank, int world, TCPStore store, Backend group, long timeoutMillis, Device device, String backend) {
        this.rank = rank;
        this.world = world;
        this.store = store;
        this.group = group;
        this.timeoutMillis = timeoutMillis;
        this.device = device;
        this.backend = backend;
    }

    /** A world of one: every collective is the identity. */
    public static Distributed single() {
        return new Distributed(0, 1, null, null, 0, null, "none");
    }

    /** {@code gloo} or {@code nccl} ({@code none} for a world of one). */
    public String backend() {
        return backend;
    }

    /** This rank's GPU among the host's: {@code LOCAL_RANK} when a launcher sets it, else the global rank. */
    static int localRank(int rank, Map<String, String> env) {
        try {
            return env.containsKey("LOCAL_RANK") ? Integer.parseInt(env.get("LOCAL_RANK").trim()) : rank;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LOCAL_RANK must be an integer, got '" + env.get("LOCAL_RANK") + "'");
        }
    }

    /** Which c10d backend: NCCL when libtorch reports CUDA ({@code auto}), or one by name. */
    public enum Kind {
        AUTO, GLOO, NCCL;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("backend must be auto, gloo or nccl, got '" + s + "'");
            }
        }
    }

    /** Joins the group with the automatic backend (Gloo on CPU, NCCL on CUDA). */
    public static Distributed connect(Config c) {
        return connect(c, Kind.AUTO);
    }

    /** Joins the group (rank 0 starts the rendezvous store and waits for the others). */
    public static Distributed connect(Config c, Kind kind) {
        if (c.world() == 1) return single();
        if (kind == Kind.NCCL && !Torch.cudaAvailable()) {
            throw new IllegalArgumentException("backend nccl needs CUDA, and libtorch reports no CUDA device (the GPU build is mvn -Pgpu package)");
        }
        Torch.init();
        try {
            TCPStoreOptions so = new TCPStoreOptions().port((short) c.port()).isServer(c.rank() == 0).waitWorkers(true)
                    .numWorkers(new SizeTPointer(1).put((long) c.world())).timeout(new Milliseconds(c.timeoutMillis()));
            TCPStore store = new TCPStore(c.host(), so);
            store.retainReference();
            // The group holds its store through an intrusive_ptr: hand it the clone (born inside one, so the counts
            // are right), never the Java-allocated server store, which the group would otherwise adopt with a zero
            // count and outlive once Java frees it (heap corruption after the next garbage collection).
            if (kind == Kind.NCCL || kind == Kind.AUTO && Torch.cudaAvailable()) {
                Torch.useCudaDevice(localRank(c.rank(), System.getenv()));
                org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options o = org.bytedeco.pytorch.nccl.ProcessGroupNCCL.Options.create();
                o.timeout(new Milliseconds(c.timeoutMillis()));
                Backend pg = new org.bytedeco.pytorch.nccl.ProcessGroupNCCL(store.clone(), c.rank(), c.world(), o);
                pg.retainReference();
                return new Distributed(c.rank(), c.world(), store, pg, c.timeoutMillis(), Torch.bestDevice(), "nccl");
            }
            ProcessGroupGloo.Options o = ProcessGroupGloo.Options.create();
            o.devices().push_back(ProcessGroupGloo.createDeviceForHostname(c.host()));
            o.threads(1);
            o.timeout(new Milliseconds(c.timeoutMillis()));
            Backend pg = new ProcessGroupGloo(store.clone(), c.rank(), c.world(), o);
            pg.retainReference();
            return new Distributed(c.rank(), c.world(), store, pg, c.timeoutMillis(), Torch.cpu(), "gloo");
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + c.rank() + " of " + c.world() + ": cannot join the group at " + c.host() + ":"
                    + c.port() + " within " + c.timeoutMillis() / 1000 + " s: " + firstLine(e), e);
        }
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    public boolean isLeader() {
        return rank == 0;
    }

    /** Every rank gets rank 0's parameter values. */
    public void broadcastParameters(Parameters params) {
        if (world == 1) return;
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (List<Tensor> bucket : buckets(new ArrayList<>(params.asMap().values()))) {
                Tensor flat = flatten(bucket, false);
                await(group.broadcast(new TensorVector(flat), new BroadcastOptions().rootRank(0)), "broadcast of the initial weights");
                scatter(flat, bucket, false);
            }
        }
    }

    /**
     * Replaces every gradient by the batch-weighted sum over ranks: {@code sum_r w_r g_r} with {@code w_r} this
     * rank's share of the global batch (its samples / all samples), so the result is the gradient of the loss over
     * the whole global batch. Parameters without a gradient count as zero.
     */
    public void reduceGradients(Parameters params, double weight) {
        if (world == 1) return;
        long t0 = System.nanoTime();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            List<Tensor> ps = new ArrayList<>(params.asMap().values());
            List<List<Tensor>> buckets = buckets(ps);
            for (List<Tensor> bucket : buckets) {
                Tensor flat = flatten(bucket, true).mul_(Torch.scalar(weight));
                long w0 = System.nanoTime();
                await(group.allreduce(new TensorVector(flat), new AllreduceOptions()), "gradient all-reduce");
                reduceWaitNanos += System.nanoTime() - w0;
                reduceElements += flat.numel();
                scatter(flat, bucket, true);
            }
            reduceBuckets = buckets.size();
        }
        reduceSteps++;
        reduceNanos += System.nanoTime() - t0;
    }

    private long reduceSteps, reduceElements, reduceNanos, reduceWaitNanos;
    private int reduceBuckets;

    /**
     * What the gradient all-reduce cost this rank so far: floats and megabytes per step, buckets, and milliseconds per
     * step in total (flatten, all-reduce, scatter) and inside the all-reduce alone (which includes waiting for the
     * slowest rank).
     */
    public String reduceSummary() {
        if (reduceSteps == 0) return "gradient all-reduce: no steps";
        long perStep = reduceElements / reduceSteps;
        return String.format(java.util.Locale.ROOT,
                "gradient all-reduce (" + backend + ", rank %d of %d): %d floats (%.1f MB) per step in %d bucket(s); %.1f ms per step, %.1f ms of it"
                        + " inside the all-reduce; %d steps", rank, world, perStep, perStep * 4 / 1e6, reduceBuckets,
                reduceNanos / 1e6 / reduceSteps, reduceWaitNanos / 1e6 / reduceSteps, reduceSteps);
    }

    /** Sums a few numbers across ranks (losses, validation sums and counts). */
    public double[] sum(double... values) {
        if (world == 1) return values.clone();
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.fromDoubles(values, values.length).to(device, torch.ScalarType.Double);
            await(group.allreduce(new TensorVector(t), new AllreduceOptions()), "all-reduce of " + values.length + " value(s)");
            return Tensors.toDoubles(t);
        }
    }

    /** Waits until every rank arrives. */
    public void barrier() {
        if (world == 1) return;
        await(group.barrier(), "barrier");
    }

    private void await(Work w, String what) {
        try {
            w._wait(new Milliseconds(timeoutMillis));
        } catch (RuntimeException e) {
            throw new IllegalStateException("rank " + rank + " of " + world + ": " + what + " failed; another rank has probably stopped"
                    + " (see its log): " + firstLine(e), e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static List<List<Tensor>> buckets(List<Tensor> tensors) {
        List<List<Tensor>> out = new ArrayList<>();
        List<Tensor> cur = new ArrayList<>();
        long n = 0;
        for (Tensor t : tensors) {
            if (!cur.isEmpty() && n + t.numel() > BUCKET_ELEMENTS) {
                out.add(cur);
                cur = new ArrayList<>();
                n = 0;
            }
            cur.add(t);
            n += t.numel();
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /** One contiguous float32 copy of the tensors (or of their gradients, zeros where there is none). */
    private static Tensor flatten(List<Tensor> params, boolean gradients) {
        TensorVector parts = new TensorVector();
        for (Tensor p : params) {
            Tensor src = gradients ? p.grad() : p.detach();
            parts.push_back(gradients && !src.defined() ? torch.zeros_like(p.detach()).reshape(-1) : src.reshape(-1));
        }
        return torch.cat(parts, 0);
    }

    private static void scatter(Tensor flat, List<Tensor> params, boolean gradients) {
        long off = 0;
        for (Tensor p : params) {
            long n = p.numel();
            Tensor part = flat.narrow(0, off, n).view_as(p);
            if (gradients) {
                Tensor g = p.grad();
                if (g.defined()) g.copy_(part);
                else p.mutable_grad().put(part.clone());
            } else {
                p.detach().copy_(part);
            }
            off += n;
        }
    }

    @Override
    public void close() {
        if (group != null) group.releaseReference();
        if (store != null) store.releaseReference();
    }

    /**
     * The rendezvous from flags ({@code --world-size}, {@code --rank}, {@code --master HOST:PORT}, all or none), else from
     * the usual environment variables; empty when neither names a group.
     */
    public static java.util.Optional<Config> fromFlags(Integer world, Integer rank, String master, Map<String, String> env, long timeoutMillis) {
        if (world == null && rank == null && master == null) return fromEnvironment(env, timeoutMillis);
        if (world == null || rank == null || master == null) {
            throw new IllegalArgumentException("a multi-host job needs --world-size, --rank and --master HOST:PORT together");
        }
        int colon = master.lastIndexOf(':');
        try {
            if (colon <= 0) throw new NumberFormatException();
            return java.util.Optional.of(new Config(rank, world, master.substring(0, colon), Integer.parseInt(master.substring(colon + 1)), timeoutMillis));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--master takes HOST:PORT, got '" + master + "'");
        }
    }

    /** The rendezvous from the usual environment variables (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK), if set. */
    public static java.util.Optional<Config> fromEnvironment(Map<String, String> env, long timeoutMillis) {
        if (!env.containsKey("WORLD_SIZE") || !env.containsKey("RANK")) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(new Config(Integer.parseInt(env.get("RANK").trim()), Integer.parseInt(env.get("WORLD_SIZE").trim()),
                    env.getOrDefault("MASTER_ADDR", "127.0.0.1"), Integer.parseInt(env.getOrDefault("MASTER_PORT", "29500").trim()), timeoutMillis));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RANK, WORLD_SIZE and MASTER_PORT must be integers: " + e.getMessage(), e);
        }
    }
}
