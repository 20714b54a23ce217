package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's trainable tensors by PyTorch state-dict name (e.g. {@code unet.down_sample_layers.0.layers.0.weight}),
 * in registration order. Keeping the reference names lets weights move between us and PyTorch unchanged.
 */
public final class Parameters {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public Tensor add(String name, Tensor value) {
        if (tensors.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        Tensor t = value.set_requires_grad(true);
        t.retainReference(); // parameters outlive any PointerScope a caller opens around model creation
        tensors.put(name, t);
        return t;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter " + name);
        return t;
    }

    /** Moves every parameter to {@code device} (a no-op when they are there already). */
    public void moveTo(org.bytedeco.pytorch.Device device) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.device().equals(device)) continue;
            Tensor moved = t.detach().to(device, t.scalar_type()).set_requires_grad(true);
            moved.retainReference();
            e.setValue(moved);
        }
    }

    /** The device of the parameters (the CPU for a model without any). */
    public org.bytedeco.pytorch.Device device() {
        return tensors.isEmpty() ? org.robustmri.tensor.Torch.cpu() : tensors.values().iterator().next().device();
    }

    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public long count() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.numel();
        return n;
    }

    public int size() {
        return tensors.size();
    }
}
