package org.robustmri.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files of one training run. */
public record RunDirectory(Path root) {
    private static final Pattern EPOCH = Pattern.compile("epoch-(\\d+)\\.safetensors");

    public Path runJson() {
        return root.resolve("run.json");
    }

    public Path log() {
        return root.resolve("train_log.csv");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path checkpoint(int epoch) {
        return checkpoints().resolve(String.format(Locale.ROOT, "epoch-%03d.safetensors", epoch));
    }

    public Path last() {
        return checkpoints().resolve("last.safetensors");
    }

    public Path optimizerState() {
        return root.resolve("state").resolve("optimizer.safetensors");
    }

    public Path progress() {
        return root.resolve("state").resolve("progress.json");
    }

    /** Epoch numbers that have a checkpoint, ascending. */
    public List<Integer> checkpointEpochs() {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(checkpoints())) return out;
        try (Stream<Path> s = Files.list(checkpoints())) {
            s.forEach(p -> {
                Matcher m = EPOCH.matcher(p.getFileName().toString());
                if (m.matches()) out.add(Integer.parseInt(m.group(1)));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }
}
