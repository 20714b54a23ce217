package org.robustmri.model;

import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;
import org.robustmri.io.DataException;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * A user's own architecture as a TorchScript module ({@code torch.jit.script} or {@code trace}, saved with
 * {@code torch.jit.save}), loaded with libtorch's {@code torch::jit::load} and run as a {@link ReconstructionModel}:
 * its parameters, under their PyTorch names, are this model's parameters, so the trainer's Adam, gradient clipping,
 * c10d all-reduce and checkpoints handle them like a built-in family's. Inputs follow the built-in families' samples:
 * <ul>
 *   <li>{@code input=image}: {@code forward(image)} with the zero-filled magnitude image (B, 1, h, w), as the U-Net
 *       and ViT get it, returning (B, 1, h, w) or (B, h, w);</li>
 *   <li>{@code input=kspace}: {@code forward(masked_kspace, mask)} in fastMRI's VarNet layout, masked k-space
 *       (B, C, H, W, 2) and the boolean mask (B, 1, 1, W, 1) (or (B, 1, H, W, 1) for a 2-D mask), returning an image that
 *       is centre-cropped to the target size.</li>
 * </ul>
 * {@link #save} writes the module back, with the weights it holds now, as TorchScript that PyTorch loads.
 */
public final class ScriptedModule {
    static final ModelFamily FAMILY = new ModelFamily("torchscript", List.of(
            ModelFamily.Param.text("file", "the TorchScript file (torch.jit.save)"),
            ModelFamily.Param.choice("input", "image", List.of("image", "kspace"),
                    "image = zero-filled image (B,1,h,w); kspace = masked k-space (B,C,H,W,2) and mask (B,1,1,W,1)"))) {
        @Override
        protected String label(Map<String, String> p) {
            String f = Path.of(p.get("file")).getFileName().toString();
            return "ts-" + (f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f) + ("kspace".equals(p.get("input")) ? "-kspace" : "");
        }

        @Override
        public long parameterCount(ModelSpec s) {
            return new ScriptedModule(s).parameters.count();
        }

        @Override
        public String describe(ModelSpec s) {
            return "TorchScript " + Path.of(s.param("file")).getFileName() + " (" + s.param("input") + " input), " + parameters(parameterCount(s));
        }

        @Override
        public ReconstructionModel create(ModelSpec s, long seed) {
            return "kspace".equals(s.param("input")) ? new Kspace(s) : new Image(s);
        }

        @Override
        public SampleTransform<? extends Sample> transform(boolean requireTarget) {
            throw new UnsupportedOperationException("a TorchScript model's samples depend on its input parameter");
        }

        @Override
        public SampleTransform<? extends Sample> transform(ModelSpec s, boolean requireTarget) {
            return "kspace".equals(s.param("input")) ? new org.robustmri.data.MaskedKspaceTransform(requireTarget)
                    : ImageDomainModel.sampleTransform(requireTarget);
        }
    };

    private final JitModule module;
    private final Parameters parameters = new Parameters();

    private ScriptedModule(ModelSpec spec) {
        Torch.init();
        // run scripted graphs op by op under ordinary autograd: the graph executor's own differentiable subgraphs take
        // complex abs's gradient through sign(), which libtorch refuses for complex numbers (seen on a k-space model)
        torch.setGraphExecutorOptimize(false);
        Torch.useUnpaddedConvolutions("a TorchScript model");
        if (spec.param("file").isEmpty()) throw new IllegalArgumentException("torchscript needs file=MODULE.ts (torch.jit.save)");
        Path file = Path.of(spec.param("file"));
        if (!isScript(file)) throw new DataException(file, "not a TorchScript file (torch.jit.save writes one)");
        try {
            module = torch.load(file.toString());
        } catch (RuntimeException e) {
            throw new DataException(file, "libtorch cannot load this TorchScript module: " + firstLine(e.getMessage()), e);
        }
        module.retainReference();
        var list = module.named_parameters(true);
        var end = list.end();
        for (var it = list.begin(); it.notEquals(end); it = it.increment()) {
            // a new handle on each parameter: the iterator's entries are freed with the list
            parameters.add(it.access().name().getString(), new Tensor(it.access().value()));
        }
    }

    /**
     * The spec of a TorchScript file given as weights: {@code requested} ({@code torchscript:input=...}, or null for
     * image input) with this file.
     */
    static ModelSpec specFor(Path file, ModelSpec requested) {
        if (requested != null && !requested.family().equals(FAMILY.name())) {
            throw new DataException(file, "is a TorchScript module, not " + requested.name() + " weights; give --arch torchscript:input=image|kspace");
        }
        String input = requested == null ? "image" : requested.param("input");
        return FAMILY.spec(null, Map.of("file", file.toString(), "input", input));
    }

    /** True for a TorchScript archive: a zip with the module's code (torch.save's archives have only data). */
    static boolean isScript(Path file) {
        if (!Files.isRegularFile(file)) return false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().contains("/code/") || e.getName().endsWith("/constants.pkl"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the module with its current weights as TorchScript. */
    void save(Path file) {
        module.save(file.toString());
    }

    /** Runs the module's forward, in training mode when gradients are recorded, else in evaluation mode. */
    private Tensor call(Tensor... inputs) {
        if (!inputs[0].device().is_cpu()) {
            throw new IllegalStateException("TorchScript models run on the CPU in this version (the module keeps its parameters there)");
        }
        if (org.bytedeco.pytorch.GradMode.is_enabled()) module.train(true);
        else module.eval();
        IValueVector args = new IValueVector();
        for (Tensor t : inputs) args.push_back(new IValue(t));
        IValue out = module.forward(args);
        if (!out.isTensor()) throw new IllegalStateException("the TorchScript module's forward returned a " + out.tagKind().getString() + ", not a tensor");
        Tensor t = out.toTensor();
        return t.dim() == 3 ? t.unsqueeze(1) : t;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Writes a TorchScript model's module with its trained weights (for {@code export-model}). */
    public static void saveScript(ReconstructionModel model, Path file) {
        ScriptedModule module = model instanceof Image m ? m.module : model instanceof Kspace m ? m.module : null;
        if (module == null) throw new IllegalArgumentException(model.spec().name() + " is not a TorchScript model (--arch torchscript:file=...)");
        org.robustmri.io.AtomicFiles.write(file, tmp -> module.save(tmp));
    }

    /** The module of {@code spec}, its parameters registered in the model's {@code params}. */
    private static ScriptedModule loadInto(ModelSpec spec, Parameters params) {
        ScriptedModule m = new ScriptedModule(spec);
        m.parameters.asMap().forEach(params::add);
        return m;
    }

    /** {@code input=image}. */
    static final class Image extends ImageDomainModel {
        private final ScriptedModule module;

        Image(ModelSpec spec) {
            super(spec);
            module = loadInto(spec, params);
        }

        @Override
        public Tensor forward(Tensor image) {
            return module.call(image);
        }
    }

    /** {@code input=kspace}. */
    static final class Kspace extends KspaceDomainModel {
        private final ScriptedModule module;

        Kspace(ModelSpec spec) {
            super(spec);
            module = loadInto(spec, params);
        }

        @Override
        protected Tensor forward(KspaceInput in) {
            Tensor k = in.kspace();
            Tensor mask = in.physics().mask(k.device());
            long b = k.size(0), w = k.size(3);
            Tensor m = mask == null ? torch.ones(new long[]{b, 1, 1, w, 1}, new org.bytedeco.pytorch.DimnameListOptional(),
                    Torch.options(torch.ScalarType.Bool, k.device()))
                    : (mask.dim() == 2 ? mask.view(1, 1, mask.size(0), w, 1).expand(b, 1, mask.size(0), w, 1) : mask.unsqueeze(-1))
                    .ne(Torch.scalar(0.0));
            Tensor out = module.call(torch.view_as_real(k), m);
            return Transforms.centerCrop(out, in.cropHeight(), in.cropWidth());
        }
    }
}
