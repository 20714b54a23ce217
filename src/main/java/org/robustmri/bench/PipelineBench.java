package org.robustmri.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.VolumeInfo;
import org.robustmri.data.ZeroFilledImageTransform;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.mask.MaskFunction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-slice input pipeline (read, mask, ifft2c, crop, RSS) over every slice of a file, as bench/pipeline_reference.py runs it. */
public final class PipelineBench {
    /** Slices per second of each timed pass, the slices of the file, and the sum of every slice's centre pixel (to compare with the reference). */
    public record Result(Timings slicesPerSecond, int slices, int threads, double peakRssMiB, double checksum) {
        public String line() {
            return String.format(Locale.ROOT,
                    "java-libtorch: slices/s best %.2f median %.2f over %d runs (%d slices, %d threads); peak RSS %.0f MiB; checksum %.6g",
                    slicesPerSecond.highest(), slicesPerSecond.median(), slicesPerSecond.count(), slices, threads, peakRssMiB, checksum);
        }
    }

    private PipelineBench() {
    }

    /** One untimed pass (JIT and libtorch warm-up), then {@code repeats} timed passes. */
    public static Result run(Path file, MaskFunction mask, int repeats, int threads) {
        List<Double> rates = new ArrayList<>();
        double checksum = 0;
        int n = 0;
        for (int r = 0; r <= repeats; r++) {
            try (FastMriFile f = FastMriFile.open(file)) {
                long t0 = System.nanoTime();
                MultiCoilMri physics = MultiCoilMri.of(MaskPolicy.forFile(f, mask).withoutPadding());
                int[] crop = VolumeInfo.cropSize(f);
                n = f.kspace().slices();
                checksum = 0;
                for (int s = 0; s < n; s++) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor img = ZeroFilledImageTransform.zeroFilled(f, s, physics, crop[0], crop[1]);
                        checksum += img.select(0, crop[0] / 2).select(0, crop[1] / 2).item_double();
                    }
                }
                if (r > 0) rates.add(n / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return new Result(Timings.of(rates), n, threads, Timings.peakRssMiB(), checksum);
    }
}
