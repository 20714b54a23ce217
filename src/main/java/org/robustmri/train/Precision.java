package org.robustmri.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.Sample;
import org.robustmri.model.Inference;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Torch;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Locale;

/**
 * The arithmetic of a training step's forward pass: {@code fp32}, or PyTorch's automatic mixed precision with
 * {@code bf16} (CPU or CUDA) or {@code fp16} (CUDA, with a {@link LossScaler}). Weights, gradients, optimizer state
 * and checkpoints stay float32 in every precision; autocast casts inputs of the ops on its lower-precision list
 * (convolutions, matrix products) as the ops run, and the loss and SSIM are computed in float32 outside the region,
 * as PyTorch's AMP recipe does.
 */
public enum Precision {
    FP32("fp32", null), BF16("bf16", torch.ScalarType.BFloat16), FP16("fp16", torch.ScalarType.Half);

    private final String key;
    private final torch.ScalarType dtype;

    Precision(String key, torch.ScalarType dtype) {
        this.key = key;
        this.dtype = dtype;
    }

    public String key() {
        return key;
    }

    public static Precision parse(String name) {
        String n = name == null ? "fp32" : name.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) if (p.key.equals(n)) return p;
        throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, got '" + name + "'");
    }

    /** fp16 gradients underflow without a loss scale; bf16 has float32's exponent range and needs none. */
    public boolean needsLossScaling() {
        return this == FP16;
    }

    /**
     * Refuses a precision the device cannot run well (fp16 autocast is a CUDA feature) and, for bf16 on the CPU, checks
     * libtorch's bfloat16 convolutions against float64 once ({@link Torch#checkLowPrecisionConvolutions()}).
     */
    public void checkDevice(Device device) {
        if (this == FP16 && !device.is_cuda()) {
            throw new IllegalArgumentException("precision fp16 needs a CUDA device (this run is on the CPU); use bf16 on the CPU");
        }
        if (this == BF16 && !device.is_cuda()) {
            Torch.checkLowPrecisionConvolutions();
            if (Torch.convolutions().startsWith("ATen") && WARNED.compareAndSet(false, true)) {
                // ATen has no vectorised bfloat16 convolution: a U-Net step at 320 x 320 took 9x its float32 time (bench/README.md)
                org.slf4j.LoggerFactory.getLogger(Precision.class).warn("bf16 runs on ATen's convolutions here ({}); they are"
                        + " much slower in bfloat16 than in float32: prefer fp32 on this CPU", Torch.convolutions());
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /** A region in which ops autocast to this precision on {@code device}'s type; fp32 opens no region. */
    public Region autocast(Device device) {
        if (dtype == null) return () -> { };
        checkDevice(device);
        torch.DeviceType type = device.type();
        boolean wasEnabled = torch.is_autocast_enabled(type);
        torch.ScalarType wasType = torch.get_autocast_dtype(type);
        torch.set_autocast_dtype(type, dtype);
        torch.set_autocast_enabled(type, true);
        torch.increment_nesting();
        return () -> {
            // the cast weights cached for the region are dropped when the outermost region closes, as torch.autocast does
            if (torch.decrement_nesting() == 0) torch.clear_cache();
            torch.set_autocast_enabled(type, wasEnabled);
            torch.set_autocast_dtype(type, wasType);
        };
    }

    /** The model's reconstruction of a batch, its forward pass in this precision, returned as float32. */
    public Tensor forward(ReconstructionModel model, List<? extends Sample> samples, Device device) {
        Tensor out;
        try (Region r = autocast(device)) {
            out = Inference.forward(model, samples);
        }
        return out.scalar_type().intern() == torch.ScalarType.Float ? out : out.to(torch.ScalarType.Float);
    }

    /** An autocast region; closing it restores the thread's previous autocast state. */
    public interface Region extends AutoCloseable {
        @Override
        void close();
    }
}
