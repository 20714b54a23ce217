package org.robustmri.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.data.KspaceSample;
import org.robustmri.data.MaskedKspaceTransform;
import org.robustmri.data.SampleTransform;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Transforms;

import java.util.List;
import java.util.Map;

/**
 * The classical baseline: a SENSE reconstruction with a convex regulariser, solved per slice at test time, with no
 * learned weights. It takes the same masked k-space as VarNet and any mask (columns or 2-D). The solvers are
 * {@link SenseSolvers}; the coil maps come from the mask's calibration region ({@link CoilMaps}).
 * <ul>
 *   <li>{@code reg=wavelet}: {@code 1/2 ||A x - y||^2 + lambda_abs ||W x||_1}, Daubechies-2 wavelets with random
 *       shifts, by FISTA, as BART's {@code pics -l1 -r lambda}: {@code lambda_abs = lambda * s}, s BART's scaling
 *       of the slice's data, so {@code lambda} means what it means to BART.</li>
 *   <li>{@code reg=tv}: {@code 1/2 ||A x - y||^2 + lambda_abs TV(x)}, isotropic total variation by Chambolle-Pock,
 *       {@code lambda_abs = lambda * max |A^H y|} per slice.</li>
 *   <li>{@code reg=l2}: {@code min_x ||A x - y||^2 + lambda ||x||^2} by conjugate gradients from 0 (CG-SENSE).</li>
 * </ul>
 * The output is {@code |x|} centre-cropped to the target size.
 */
public final class CompressedSensing extends KspaceDomainModel {
    static final ModelFamily FAMILY = new ModelFamily("cs", List.of(
            ModelFamily.Param.choice("reg", "tv", List.of("tv", "l2", "wavelet"),
                    "regulariser: tv = isotropic total variation (primal-dual), l2 = Tikhonov (conjugate gradients), wavelet = l1 Daubechies-2 wavelets (FISTA, as BART's pics -l1)"),
            ModelFamily.Param.real("lambda", 0.001, "regularisation weight (tv: relative to max |A^H y| of the slice; wavelet: BART's -r, relative to BART's data scaling)"),
            ModelFamily.Param.integer("iterations", 200, "solver iterations"),
            ModelFamily.Param.choice("maps", "calib", List.of("calib", "espirit"),
                    "coil maps: calib = Hann-tapered calibration region over its root-sum-of-squares, espirit = ESPIRiT as BART's ecalib -m1"),
            ModelFamily.Param.real("crop", 0.8, "ESPIRiT eigenvalue crop (BART's ecalib -c; 0 keeps every pixel)"))) {
        @Override
        protected String label(Map<String, String> p) {
            String maps = "espirit".equals(p.get("maps")) ? "-espirit" + ("0.8".equals(p.get("crop")) ? "" : "-c" + p.get("crop")) : "";
            return "cs-" + p.get("reg") + "-l" + p.get("lambda") + "-i" + p.get("iterations") + maps;
        }

        @Override
        public long parameterCount(ModelSpec s) {
            return 0;
        }

        @Override
        public String describe(ModelSpec s) {
            String reg = switch (s.param("reg")) {
                case "tv" -> "total variation";
                case "wavelet" -> "l1 wavelets";
                default -> "Tikhonov";
            };
            return "compressed sensing (" + reg + ", lambda " + s.param("lambda") + ", " + s.param("iterations") + " iterations, "
                    + ("espirit".equals(s.param("maps")) ? "ESPIRiT maps" : "calibration maps") + ")";
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return new CompressedSensing(s);
        }

        @Override
        public SampleTransform<KspaceSample> transform(boolean requireTarget) {
            return new MaskedKspaceTransform(requireTarget);
        }
    };

    private final String reg;
    private final double lambda;
    private final int iterations;
    private final String maps;
    private final double crop;

    public CompressedSensing(ModelSpec spec) {
        super(spec);
        this.reg = spec.param("reg");
        this.lambda = Double.parseDouble(spec.param("lambda"));
        this.iterations = spec.intParam("iterations");
        this.maps = spec.param("maps");
        this.crop = Double.parseDouble(spec.param("crop"));
    }

    @Override
    protected Tensor forward(KspaceInput in) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor y = in.kspace();
            int[][][] regions = CoilMaps.regions(in.physics(), y);
            MultiCoilMri physics = in.physics().withSensitivities(CoilMaps.estimate(maps, y, in.physics(), regions, crop));
            Tensor x = switch (reg) {
                case "tv" -> SenseSolvers.solveTv(physics, y, lambda, iterations, true);
                case "wavelet" -> SenseSolvers.solveWavelet(physics, y,
                        SenseSolvers.bartScaling(y, regions).mul(org.robustmri.tensor.Torch.scalar(lambda)), iterations, true);
                default -> SenseSolvers.solveL2(physics, y, lambda, iterations);
            };
            return Transforms.centerCrop(Transforms.complexAbs(x), in.cropHeight(), in.cropWidth());
        }
    }
}
