package org.robustmri.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringViewOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Loads libtorch once and holds the few shared native constants. Call {@link #init()} before touching any
 * {@code org.bytedeco.pytorch} class: it first extracts every native library into JavaCPP's cache, because
 * loading libtorch while its sibling libraries are still being extracted crashes the JVM on a fresh machine.
 */
public final class Torch {
    private static volatile boolean loaded;

    private Torch() {
    }

    public static void init() {
        if (loaded) return;
        synchronized (Torch.class) {
            if (loaded) return;
            try {
                String platform = Loader.getPlatform();
                // the GPU build (mvn -Pgpu) ships libtorch under linux-x86_64-gpu, with the CUDA presets beside it
                boolean gpu = Torch.class.getResource("/org/bytedeco/pytorch/" + platform + "-gpu/") != null;
                if (gpu && System.getProperty("org.bytedeco.javacpp.platform.extension") == null) {
                    System.setProperty("org.bytedeco.javacpp.platform.extension", "-gpu");
                }
                for (String lib : new String[]{"javacpp", "openblas", "cuda", "pytorch"}) {
                    String dir = "/org/bytedeco/" + lib + "/" + platform + (gpu && lib.equals("pytorch") ? "-gpu" : "") + "/";
                    if (Torch.class.getResource(dir) != null) Loader.cacheResources(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the libtorch native libraries: " + e.getMessage(), e);
            }
            Loader.load(torch.class);
            // libtorch's own log level: TORCH_CPP_LOG_LEVEL as in PyTorch, ERROR when unset (on a CPU that NNPACK does not
            // know, every convolution would log a warning)
            if (System.getenv("TORCH_CPP_LOG_LEVEL") == null && !torch.CommandLineFlagsHasBeenParsed()) {
                org.bytedeco.javacpp.PointerPointer<org.bytedeco.javacpp.BytePointer> argv =
                        new org.bytedeco.javacpp.PointerPointer<>("robustmri", "--caffe2_log_level=2").retainReference();
                torch.ParseCommandLineFlags(new int[]{2}, argv);
                torch.UpdateLoggingLevelsFromFlags();
            } else {
                torch.initLogging();
            }
            // libtorch parallelises inside its own operators (OpenMP); OpenBLAS's own thread pool, spinning after each
            // BLAS call, then competes with it for the same cores (measured on 2 cores: E2E-VarNet steps 1.4-1.5x
            // slower). One OpenBLAS thread unless the user chose otherwise.
            if (System.getenv("OPENBLAS_NUM_THREADS") == null) {
                Loader.load(org.bytedeco.openblas.global.openblas_full.class);
                org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(1);
            }
            chooseConvolutions(System.getenv("ROBUSTMRI_CONVOLUTIONS"));
            loaded = true;
        }
    }

    private static volatile String convolutions = "oneDNN";
    private static volatile String unpaddedFailure;

    /**
     * Which convolutions to run: {@code auto} (default) keeps oneDNN unless it fails the float64 check, then tries it
     * with channel padding ({@link Convolutions}; and, if they pass too, its channels-last kernels for large float32
     * layers; {@code padded} skips channels-last, for comparisons), then ATen's; {@code aten}
     * always uses ATen's own (the same kernels on every x86-64 CPU, so results agree between machines); {@code onednn}
     * keeps oneDNN without the check (for speed comparisons only).
     */
    private static void chooseConvolutions(String choice) {
        String c = choice == null || choice.isBlank() ? "auto" : choice.trim().toLowerCase(java.util.Locale.ROOT);
        switch (c) {
            case "onednn" -> convolutions = "oneDNN (unchecked: ROBUSTMRI_CONVOLUTIONS=onednn)";
            case "aten" -> {
                torch.globalContext().setUserEnabledMkldnn(false);
                String bad = ConvolutionCheck.failure();
                if (bad != null) throw new IllegalStateException("libtorch's convolutions are wrong on this CPU: " + bad);
                convolutions = "ATen (ROBUSTMRI_CONVOLUTIONS=aten)";
            }
            case "auto", "padded" -> {
                String bad = ConvolutionCheck.failure();
                if (bad == null) return;
                Convolutions.padChannels(true);
                String padded = ConvolutionCheck.failure();
                if (padded == null) {
                    unpaddedFailure = bad;
                    convolutions = "oneDNN, channels padded to multiples of " + Convolutions.BLOCK
                            + (c.equals("padded") ? " (ROBUSTMRI_CONVOLUTIONS=padded)" : channelsLastIfRight()) + " (unpadded, its " + bad + " against float64 on this CPU)";
                    return;
                }
                Convolutions.padChannels(false);
                torch.globalContext().setUserEnabledMkldnn(false);
                String again = ConvolutionCheck.failure();
                convolutions = "ATen (oneDNN switched off: its " + bad + " against float64 on this CPU"
                        + (again == null ? "" : "; still " + again) + ")";
                org.slf4j.LoggerFactory.getLogger(Torch.class).debug("libtorch's oneDNN convolutions failed a float64 check on this CPU ({});"
                        + " using ATen's own convolutions", bad);
                if (again != null) throw new IllegalStateException("libtorch's convolutions are wrong on this CPU: " + again);
            }
            default -> throw new IllegalArgumentException("ROBUSTMRI_CONVOLUTIONS must be auto, padded, aten or onednn, not '" + choice + "'");
        }
    }

    /** Switches on channels-last for large float32 inputs if it passes the check at every size; says so, or why not. */
    private static String channelsLastIfRight() {
        Convolutions.channelsLast(true);
        Convolutions.channelsLastAtAnySize(true);
        String bad;
        try {
            bad = ConvolutionCheck.failure();
        } finally {
            Convolutions.channelsLastAtAnySize(false);
        }
        if (bad == null) return ", or channels-last on large inputs";
        Convolutions.channelsLast(false);
        return ", not channels-last (its " + bad + ")";
    }

    /**
     * For convolutions that do not go through {@link Convolutions} (a user's TorchScript graph calls libtorch's own):
     * where oneDNN is only right with padded channels, the process switches to ATen's convolutions, which are right
     * unpadded, from here on. {@code who} is named in {@link #convolutions()}.
     */
    public static void useUnpaddedConvolutions(String who) {
        init();
        synchronized (Torch.class) {
            if (!Convolutions.padsChannels()) return;
            torch.globalContext().setUserEnabledMkldnn(false);
            Convolutions.padChannels(false);
            Convolutions.channelsLast(false);
            convolutions = "ATen (oneDNN is right here only with padded channels, and " + who + " runs its own convolutions;"
                    + " unpadded, oneDNN's " + unpaddedFailure + ")";
        }
    }

    /** True when start-up found oneDNN right only with padded channels (whatever was switched since). */
    static boolean paddingChosenAtStartUp() {
        return unpaddedFailure != null;
    }

    private static volatile boolean bf16Checked;

    /**
     * Before the first bfloat16 convolution (mixed-precision training): oneDNN's bfloat16 kernels are other kernels than
     * its float32 ones and are checked on their own; if they are wrong here, oneDNN is switched off for the process
     * (ATen's convolutions, slower, pass the check) and {@link #convolutions()} says so.
     */
    public static void checkLowPrecisionConvolutions() {
        if (bf16Checked) return; // called before every mixed-precision forward pass: no lock once done
        synchronized (Torch.class) {
            checkLowPrecisionOnce();
        }
    }

    private static void checkLowPrecisionOnce() {
        init();
        if (bf16Checked) return;
        if (convolutions.startsWith("oneDNN (unchecked")) {
            bf16Checked = true;
            return;
        }
        String bad = ConvolutionCheck.failure(torch.ScalarType.BFloat16);
        if (bad != null && torch.globalContext().userEnabledMkldnn()) {
            torch.globalContext().setUserEnabledMkldnn(false);
            Convolutions.padChannels(false);
            Convolutions.channelsLast(false);
            String again = ConvolutionCheck.failure(torch.ScalarType.BFloat16);
            if (again != null) throw new IllegalStateException("libtorch's bfloat16 convolutions are wrong on this CPU: " + again);
            convolutions = "ATen (oneDNN switched off: its " + bad + " against float64 on this CPU)";
            org.slf4j.LoggerFactory.getLogger(Torch.class).debug("libtorch's oneDNN bfloat16 convolutions failed a float64 check ({}); using ATen's", bad);
        } else if (bad != null) {
            throw new IllegalStateException("libtorch's bfloat16 convolutions are wrong on this CPU: " + bad);
        } else if (Convolutions.runsChannelsLast()) {
            channelsLastBfloat16IfRight();
        }
        bf16Checked = true;
    }

    /** The float32 channels-last route for bfloat16 layers too, if oneDNN's bfloat16 channels-last kernels pass the check. */
    private static void channelsLastBfloat16IfRight() {
        Convolutions.channelsLastBfloat16(true);
        Convolutions.channelsLastAtAnySize(true);
        String bad;
        try {
            bad = ConvolutionCheck.failure(torch.ScalarType.BFloat16);
        } finally {
            Convolutions.channelsLastAtAnySize(false);
        }
        if (bad != null) {
            Convolutions.channelsLastBfloat16(false);
            convolutions += "; bfloat16 layers padded (channels-last bfloat16 " + bad + " against float64)";
        } else {
            convolutions += "; bfloat16 layers channels-last on large inputs too";
        }
    }

    /** Which convolutions libtorch runs here, and why (recorded in provenance). */
    public static String convolutions() {
        return loaded ? convolutions : null;
    }

    /**
     * Kept alive for the whole process: a string_view must not outlive its bytes, and the extra reference
     * keeps a {@link org.bytedeco.javacpp.PointerScope} that happens to be open at first use from freeing it.
     */
    private static final class Strings {
        static final BytePointer ORTHO = new BytePointer("ortho").retainReference();
    }

    public static StringViewOptional ortho() {
        init();
        return new StringViewOptional(Strings.ORTHO);
    }

    public static TensorOptions options(torch.ScalarType type) {
        init();
        return new TensorOptions(type);
    }

    public static TensorOptions options(torch.ScalarType type, Device device) {
        return options(type).device(new DeviceOptional(device));
    }

    public static MemoryFormatOptional noMemoryFormat() {
        return new MemoryFormatOptional();
    }

    public static Scalar scalar(double v) {
        init();
        return new Scalar(v);
    }

    /** True when this libtorch is the CUDA build and reports a device. */
    public static boolean cudaAvailable() {
        init();
        return torch.cuda_is_available();
    }

    private static volatile int cudaIndex;

    /** The compute device: this process's CUDA device when libtorch reports one (the first unless a rank chose), else the CPU. */
    public static Device bestDevice() {
        init();
        return torch.cuda_is_available() ? new Device(torch.DeviceType.CUDA, (byte) cudaIndex) : new Device(torch.DeviceType.CPU);
    }

    /** CUDA devices libtorch reports (0 in the CPU build). */
    public static int cudaDeviceCount() {
        init();
        return torch.cuda_is_available() ? torch.cuda_device_count() : 0;
    }

    /**
     * Pins this process to one CUDA device, as data-parallel ranks on one host do (rank r on device r mod count);
     * no effect without CUDA.
     */
    public static void useCudaDevice(int localRank) {
        int n = cudaDeviceCount();
        if (n > 0) cudaIndex = Math.floorMod(localRank, n);
    }

    public static Device cpu() {
        init();
        return new Device(torch.DeviceType.CPU);
    }

    public static void setThreads(int n) {
        init();
        torch.set_num_threads(n);
    }

    public static int threads() {
        init();
        return torch.get_num_threads();
    }

    public static String version() {
        return "libtorch 2.10.0 (bytedeco pytorch 2.10.0-1.5.13, " + Loader.getPlatform() + ")";
    }

    /** Convenience for tests and diagnostics: a tensor's shape as a Java array. */
    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
