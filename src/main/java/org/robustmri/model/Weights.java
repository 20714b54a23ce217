package org.robustmri.model;

import org.robustmri.io.Safetensors;
import org.robustmri.io.TorchCheckpoint;
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

/**
 * Model weights to and from safetensors files, with strict name and shape checks (PyTorch's strict load). Weights
 * as PyTorch writes them ({@code torch.save} state dicts, Lightning and checkpoint dicts; {@link TorchCheckpoint}) are
 * read wherever safetensors are.
 */
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
        if (ScriptedModule.isScript(file)) {
            ReconstructionModel m = ModelRegistry.create(ScriptedModule.specFor(file, requested), 0);
            m.parameters().moveTo(Torch.bestDevice());
            return m;
        }
        if (TorchCheckpoint.looksLikeOne(file)) return loadPyTorch(file, requested);
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

    /**
     * A PyTorch file: the architecture is {@code requested}, or else the registered model whose family the key names
     * show and whose parameter count the tensors have.
     */
    private static ReconstructionModel loadPyTorch(Path file, ModelSpec requested) {
        TorchCheckpoint.Contents c = TorchCheckpoint.read(file);
        ModelSpec spec = requested != null ? requested : inferSpec(file, c.tensors());
        ReconstructionModel m = ModelRegistry.create(spec, 0);
        copyInto(m, matchNames(m, c.tensors()), file);
        m.parameters().moveTo(Torch.bestDevice());
        return m;
    }

    /** The registered spec of a PyTorch state dict: family from its key names, size from its parameter count. */
    static ModelSpec inferSpec(Path file, Map<String, Tensor> tensors) {
        java.util.Set<String> keys = tensors.keySet();
        String family = keys.stream().anyMatch(k -> k.matches("(.*\\.)?cascades\\.\\d+\\..*")) ? "varnet"
                : keys.stream().anyMatch(k -> k.contains("patch_embed.")) ? "vit"
                : keys.stream().anyMatch(k -> k.contains("down_sample_layers.")) ? "unet" : null;
        long count = 0;
        for (Tensor t : tensors.values()) count += t.numel();
        if (family == null) throw new DataException(file, "the key names (" + first(new ArrayList<>(tensors.keySet())) + ") are not a U-Net, VarNet or ViT; give the architecture (--arch)");
        for (ModelRegistry.Entry e : ModelRegistry.entries()) {
            if (e.spec().family().equals(family) && e.parameterCount() == count) return e.spec();
        }
        throw new DataException(file, "holds a " + family + " of " + String.format(java.util.Locale.ROOT, "%,d", count)
                + " parameters, which no registered model has; give the architecture (--arch " + family + ":key=value,...)");
    }

    /**
     * The file's names as the model's: as they are, without the prefix every file key shares (a LightningModule's
     * attribute, "model."), or with the prefix every model name shares (fastMRI's plain Unet under the paper's "unet.");
     * the first that names exactly the model's parameters, else as they are (and the strict load says what differs).
     */
    static Map<String, Tensor> matchNames(ReconstructionModel model, Map<String, Tensor> tensors) {
        java.util.Set<String> names = model.parameters().asMap().keySet();
        if (names.equals(tensors.keySet())) return tensors;
        String filePrefix = TorchCheckpoint.commonPrefix(tensors.keySet());
        String modelPrefix = TorchCheckpoint.commonPrefix(names);
        for (int attempt = 0; attempt < 2; attempt++) {
            Map<String, Tensor> renamed = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String k = attempt == 0 ? (filePrefix.isEmpty() ? null : e.getKey().substring(filePrefix.length())) : modelPrefix + e.getKey();
                if (k == null) break;
                renamed.put(k, e.getValue());
            }
            if (renamed.keySet().equals(names)) return renamed;
        }
        return tensors;
    }

    /** Copies every tensor of {@code file} into the model; any missing, unexpected or mis-shaped name is an error. */
    public static Map<String, String> load(ReconstructionModel model, Path file) {
        if (TorchCheckpoint.looksLikeOne(file)) {
            copyInto(model, matchNames(model, TorchCheckpoint.read(file).tensors()), file);
            return Map.of();
        }
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
