package org.robustmri.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Supplier;

/**
 * A float32 island inside a mixed-precision region, as {@code torch.autocast(enabled=False)} in a PyTorch model: for an
 * op whose reduced-precision kernel is slow or inaccurate. The caller passes float32 inputs; autocast on the CPU and
 * on CUDA is off while {@code f} runs and restored after.
 */
public final class Autocast {
    private Autocast() {
    }

    /** True when a mixed-precision region is open on the CPU or CUDA. */
    public static boolean active() {
        return torch.is_autocast_enabled(torch.DeviceType.CPU) || torch.is_autocast_enabled(torch.DeviceType.CUDA);
    }

    public static Tensor suspended(Supplier<Tensor> f) {
        boolean cpu = torch.is_autocast_enabled(torch.DeviceType.CPU), cuda = torch.is_autocast_enabled(torch.DeviceType.CUDA);
        torch.set_autocast_enabled(torch.DeviceType.CPU, false);
        torch.set_autocast_enabled(torch.DeviceType.CUDA, false);
        try {
            return f.get();
        } finally {
            torch.set_autocast_enabled(torch.DeviceType.CPU, cpu);
            torch.set_autocast_enabled(torch.DeviceType.CUDA, cuda);
        }
    }
}
