package org.robustmri.io;

import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.GenericDict;
import org.bytedeco.pytorch.GenericDictIterator;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights as PyTorch writes them, read with libtorch's own unpickler ({@code torch::pickle_load}): a
 * {@code torch.save(model.state_dict())} file ({@code .pt}, {@code .pth}), a PyTorch Lightning checkpoint (its
 * {@code state_dict} entry; the LightningModule's attribute prefix such as {@code model.} is matched to the model's
 * names when the weights are loaded), or a checkpoint dict with the weights under {@code model} (the paper's
 * {@code torch.save({'model': ..., 'optimizer': ...})}). Other entries (optimizer state, epoch, hyper-parameters) are
 * not needed and not read.
 */
public final class TorchCheckpoint {
    /** The weights by name as the file has them, and where in the file they were ("state dict", "'state_dict' entry"). */
    public record Contents(Map<String, Tensor> tensors, String layout) {
    }

    private static final List<String> WRAPPERS = List.of("state_dict", "model", "model_state_dict", "net", "network");

    private TorchCheckpoint() {
    }

    /** True for what {@code torch.save} writes since PyTorch 1.6: a zip archive (starts with "PK"). */
    public static boolean looksLikeOne(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'P' && head[1] == 'K';
        } catch (IOException e) {
            return false;
        }
    }

    public static Contents read(Path file) {
        Torch.init();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
        IValue root;
        try {
            root = torch.pickle_load(new ByteVector(bytes));
        } catch (RuntimeException e) {
            throw new DataException(file, "not a PyTorch checkpoint libtorch can read (" + firstLine(e.getMessage()) + ")", e);
        }
        if (!root.isGenericDict()) throw new DataException(file, "the PyTorch file holds a " + root.tagKind().getString() + ", not a dict of weights");
        Map<String, IValue> top = entries(root.toGenericDict());
        if (allTensors(top)) return new Contents(tensors(top), "state dict");
        for (String key : WRAPPERS) {
            IValue inner = top.get(key);
            if (inner == null || !inner.isGenericDict()) continue;
            Map<String, IValue> sd = entries(inner.toGenericDict());
            if (allTensors(sd)) return new Contents(tensors(sd), "'" + key + "' entry");
        }
        throw new DataException(file, "no weights found: neither a state dict nor one under " + WRAPPERS + " (top-level keys " + top.keySet() + ")");
    }

    private static Map<String, IValue> entries(GenericDict d) {
        Map<String, IValue> out = new LinkedHashMap<>();
        GenericDictIterator end = d.end();
        for (GenericDictIterator it = d.begin(); !it.equals(end); it = it.increment()) {
            IValue k = it.access().key();
            if (!k.isString()) continue;     // weights are named; other keys (ints) belong to optimizer states
            out.put(k.toStringRef().getString(), it.access().value());
        }
        return out;
    }

    private static boolean allTensors(Map<String, IValue> m) {
        if (m.isEmpty()) return false;
        for (IValue v : m.values()) if (!v.isTensor()) return false;
        return true;
    }

    private static Map<String, Tensor> tensors(Map<String, IValue> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.toTensor().contiguous()));
        return out;
    }

    /** The dotted prefix every key shares ("model." of a LightningModule's attribute), or "". */
    public static String commonPrefix(Iterable<String> keys) {
        String prefix = null;
        for (String k : keys) {
            int dot = k.indexOf('.');
            String p = dot < 0 ? "" : k.substring(0, dot + 1);
            if (prefix == null) prefix = p;
            else if (!prefix.equals(p)) return "";
        }
        return prefix == null ? "" : prefix;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
