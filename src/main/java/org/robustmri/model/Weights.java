package org.robustmri.model;

import org.robustmri.io.Safetensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.io.DataException;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Model weights to and from safetensors files, with strict name and shape checks (PyTorch's strict load). */
public final class Weights {
    private Weights() {
    }

    /** Writes the weights with the model's spec (so the file says what it holds) and {@code metadata}. */
    public static void save(ReconstructionModel model, Path file, Map<String, String> metadata) {
        Map<String, String> meta = new java.util.LinkedHashMap<>(model.spec().toMetadata());
        meta.putAll(metadata);
        Safetensors.write(file, model.parameters().asMap(), meta);
    }

    /**
     * Builds the model a checkpoint was saved from (its metadata names the spec) and loads it onto
     * {@link Torch#bestDevice()}. Weights without that metadata (e.g. from PyTorch) need {@code requested}; when both
     * exist they must agree, so a checkpoint of one architecture is never read as another.
     */
    public static ReconstructionModel loadModel(Path file, ModelSpec requested) {
        Safetensors.Contents c = Safetensors.read(file);
        ModelSpec recorded;
        try {
            recorded = ModelSpec.fromMetadata(c.metadata()).map(ModelRegistry::normalise).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "the checkpoint's model metadata is invalid: " + e.getMessage(), e);
        }
        if (recorded == null && requested == null) {
            throw new DataException(file, "the checkpoint does not say which model it holds; give the architecture (--arch)");
        }
        if (recorded != null && requested != null
                && !(recorded.family().equals(requested.family()) && recorded.params().equals(requested.params()))) {
            throw new DataException(file, "the checkpoint holds " + recorded + ", not the requested " + requested);
        }
        ReconstructionModel m = ModelRegistry.create(recorded != null ? recorded : requested, 0);
        copyInto(m, c.tensors(), file);
        m.parameters().moveTo(Torch.bestDevice());
        return m;
    }

    /** Copies every tensor of {@code file} into the model; any missing, unexpected or mis-shaped name is an error. */
    public static Map<String, String> load(ReconstructionModel model, Path file) {
        Safetensors.Contents c = Safetensors.read(file);
        copyInto(model, c.tensors(), file);
        return c.metadata();
    }

    private static String first(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", ..." : "");
    }

    public static void copyInto(ReconstructionModel model, Map<String, Tensor> tensors, Path source) {
        Map<String, Tensor> params = model.parameters().asMap();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        for (String name : params.keySet()) if (!tensors.containsKey(name)) missing.add(name);
        for (String name : tensors.keySet()) if (!params.containsKey(name)) unexpected.add(name);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t != null && !Arrays.equals(Torch.shape(t), Torch.shape(e.getValue()))) {
                misShaped.add(e.getKey() + " has shape " + Arrays.toString(Torch.shape(t)) + ", model expects "
                        + Arrays.toString(Torch.shape(e.getValue())));
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) parts.add(missing.size() + " missing (" + first(missing) + ")");
            if (!unexpected.isEmpty()) parts.add(unexpected.size() + " unexpected (" + first(unexpected) + ")");
            if (!misShaped.isEmpty()) parts.add(misShaped.size() + " mis-shaped (" + first(misShaped) + ")");
            throw new DataException(source, "weights do not fit model " + model.spec().name() + ": " + String.join("; ", parts));
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.is_floating_point() && !torch.isfinite(t).all().item_bool()) {
                long bad = t.numel() - torch.isfinite(t).sum().item_long();
                throw new DataException(source, "tensor " + e.getKey() + " has " + bad + " non-finite value(s) (NaN or infinity);"
                        + " the weights are unusable");
            }
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                e.getValue().copy_(tensors.get(e.getKey()));
            }
        }
    }
}
