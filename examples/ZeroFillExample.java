import org.robustmri.eval.Reconstructor;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.metric.Metrics;
import org.robustmri.metric.VolumeScore;
import org.robustmri.model.ZeroFilled;

import java.nio.file.Path;
import java.util.List;

/** robustmri as a library: undersample a fastMRI file with its test-time mask, reconstruct it, score it. */
public class ZeroFillExample {
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        MaskFunction mask = MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08));
        try (FastMriFile f = FastMriFile.open(file)) {
            Reconstructor.Reconstruction v = Reconstructor.reconstruct(new ZeroFilled(), f, mask, slice -> { });
            float[] target = f.readFloatVolume(f.requireTargetKey());
            VolumeScore s = Metrics.score(f.fileName(), target, v.data(), v.slices(), v.height(), v.width());
            System.out.printf("%s: %d x %d x %d, zero-filled SSIM %.4f, PSNR %.2f dB%n", f.fileName(), v.slices(), v.height(), v.width(),
                    s.ssim(), s.psnr());
        }
    }
}
