package org.robustmri.train;

import org.robustmri.io.Manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one training run. An epoch is committed by {@code state/epoch-NNN.json}, a {@link Manifest} of its
 * checkpoint, optimizer state and log rows written after all three: only committed epochs exist for resuming and
 * evaluation. {@code train_log.csv} and {@code checkpoints/last.safetensors} are views rebuilt from the commits.
 */
public record RunDirectory(Path root) {
    private static final Pattern COMMIT = Pattern.compile("epoch-(\\d+)\\.json");

    /** A committed epoch: how far training got and the files that hold it. */
    public record Commit(int epoch, long step, double wallSeconds, Manifest manifest) {
    }

    public Path runJson() {
        return root.resolve("run.json");
    }

    public Path config() {
        return root.resolve("config.yaml");
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

    public Path state() {
        return root.resolve("state");
    }

    public Path optimizerState(int epoch) {
        return state().resolve(String.format(Locale.ROOT, "optimizer-%03d.safetensors", epoch));
    }

    public Path epochLog(int epoch) {
        return state().resolve(String.format(Locale.ROOT, "log-%03d.csv", epoch));
    }

    public Path commit(int epoch) {
        return state().resolve(String.format(Locale.ROOT, "epoch-%03d.json", epoch));
    }

    /** Epochs with a commit record, ascending (the record's files are verified by {@link #latestVerifiedCommit}). */
    public List<Integer> committedEpochs() {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(state())) return out;
        try (Stream<Path> s = Files.list(state())) {
            s.forEach(p -> {
                Matcher m = COMMIT.matcher(p.getFileName().toString());
                if (m.matches() && Manifest.read(p).isPresent()) out.add(Integer.parseInt(m.group(1)));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** Epochs whose checkpoint was committed, ascending: what evaluation may score. */
    public List<Integer> checkpointEpochs() {
        List<Integer> out = new ArrayList<>();
        for (int e : committedEpochs()) if (Files.isRegularFile(checkpoint(e))) out.add(e);
        return out;
    }

    /** The commit record of an epoch, if it exists (files not verified). */
    public Optional<Commit> commitOf(int epoch) {
        return Manifest.read(commit(epoch)).map(m -> new Commit(epoch, m.longField("step"), m.doubleField("wall_seconds"), m));
    }

    /** The latest epoch whose commit record exists and whose files all match it; empty when none does. */
    public Optional<Commit> latestVerifiedCommit() {
        List<Integer> epochs = committedEpochs();
        for (int i = epochs.size() - 1; i >= 0; i--) {
            Optional<Commit> c = commitOf(epochs.get(i));
            if (c.isPresent() && c.get().manifest().verify(root)) return c;
        }
        return Optional.empty();
    }

    /** Epochs committed and verified (0 when none is). */
    public int finishedEpochs() {
        return latestVerifiedCommit().map(Commit::epoch).orElse(0);
    }

    /** Steps committed and verified (0 when none is). */
    public long doneSteps() {
        return latestVerifiedCommit().map(Commit::step).orElse(0L);
    }

    /** Validation SSIM per epoch from the training log (empty without a validation set or a log). */
    public java.util.TreeMap<Integer, Double> validationByEpoch() {
        java.util.TreeMap<Integer, Double> out = new java.util.TreeMap<>();
        if (!java.nio.file.Files.exists(log())) return out;
        try {
            for (String line : java.nio.file.Files.readAllLines(log())) {
                String[] f = line.split(",", -1);
                if (f.length == 5 && !f[4].isEmpty() && !f[0].equals("step")) out.put(Integer.parseInt(f[1]), Double.parseDouble(f[4]));
            }
        } catch (java.io.IOException e) {
            throw new org.robustmri.io.DataException(log(), "cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
