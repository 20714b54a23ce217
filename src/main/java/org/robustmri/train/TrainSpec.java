package org.robustmri.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run as written in YAML (snake_case keys; unknown keys are errors). Absent values take the paper's
 * fastMRI-subset recipe (lr 1e-3, 60 epochs, batch 1, 1 - SSIM, clipping 1.0, equispaced 4x / 0.08 masks); with
 * batch 1 the batching mode does not matter, otherwise {@code batching: volume} (every slice once per epoch, batches
 * of one volume) is ours and {@code batching: paper} the paper's (one random slice plus B-1 of its volume, n // B
 * draws, one mask per batch). {@code sampling: fixed} keeps a mixture's subsets fixed for the whole run,
 * {@code redraw} draws them afresh every epoch. {@code model} is a registered name or a family; {@code chans}, {@code pools} and
 * {@code model_params} override its parameters (e.g. {@code model: varnet, model_params: {cascades: 4}}). {@code train} maps distribution names to attribute-filter lists; a single
 * distribution trains on it alone, several form a mixture with {@code weights}. {@code precision} is {@code fp32}
 * (default), {@code bf16} or {@code fp16} ({@link Precision}); {@code augment: true} adds the paper's flips and rotations.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainSpec(
        String model, Integer chans, Integer pools, Map<String, Object> modelParams,
        Double lr, Integer epochs, Integer batchSize, String loss, Double gradClip,
        Long seed, Long dataSeed, Integer threads,
        Mask mask,
        List<String> catalogs, String dataRoot,
        Map<String, JsonNode> train, JsonNode weights, String dataFraction, Long slicesPerEpoch,
        JsonNode validation, Integer validationVolumes, List<String> validationCatalogs,
        String sampling, String batching, Double validationHoldout, Boolean augment, String precision) {

    /**
     * The undersampling of training (a fresh mask per sample, or per batch with {@code batching: paper}) and
     * validation (file-seeded masks); by default the paper's equispaced 4x with an 8 % centre.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Mask(String type, List<Double> accelerations, List<Double> centerFractions) {
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A spec with nothing set (every value takes its default). */
    public static TrainSpec empty() {
        return new TrainSpec(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Our training config, or the paper's own run config ({@link PaperRunConfig}) translated into one. */
    public static TrainSpec read(Path file) {
        JsonNode tree = org.robustmri.io.YamlFiles.read(YAML, file, JsonNode.class, "training config");
        if (PaperRunConfig.is(tree)) return PaperRunConfig.toSpec(file, tree).withDefaults();
        return org.robustmri.io.YamlFiles.read(YAML, file, TrainSpec.class, "training config").withDefaults();
    }

    /**
     * The spec stored in a run directory ({@code config.yaml}), its relative catalog and data-root paths resolved
     * against that directory; a directory without a readable one is "not a run directory".
     */
    public static TrainSpec readRun(Path runDir) {
        Path file = runDir.resolve("config.yaml");
        if (!java.nio.file.Files.isRegularFile(file)) throw new DataException(file, "no such file: not a run directory");
        TrainSpec s;
        try {
            s = read(file);
        } catch (IllegalArgumentException e) {
            throw new DataException(runDir, "not a run directory (its config.yaml is not a training config)", e);
        }
        return s.resolvedAgainst(runDir);
    }

    /** The spec with relative catalog and data-root paths made absolute against {@code base}. */
    public TrainSpec resolvedAgainst(Path base) {
        return withPaths(p -> base.resolve(p).toAbsolutePath().normalize().toString());
    }

    /**
     * The spec as a run directory stores it: paths inside {@code anchor} (the run's study, or the run itself) relative
     * to {@code base} (the run directory), so that a moved or copied study still finds its own data; others absolute.
     */
    public TrainSpec portable(Path base, Path anchor) {
        Path b = base.toAbsolutePath().normalize(), a = anchor.toAbsolutePath().normalize();
        return withPaths(p -> {
            Path abs = b.resolve(p).normalize();
            return abs.startsWith(a) ? b.relativize(abs).toString() : abs.toString();
        });
    }

    private TrainSpec withPaths(java.util.function.UnaryOperator<String> f) {
        return new TrainSpec(model, chans, pools, modelParams, lr, epochs, batchSize, loss, gradClip, seed, dataSeed, threads, mask,
                catalogs == null ? null : catalogs.stream().map(f).toList(), dataRoot == null ? null : f.apply(dataRoot),
                train, weights, dataFraction, slicesPerEpoch, validation, validationVolumes,
                validationCatalogs == null ? null : validationCatalogs.stream().map(f).toList(),
                sampling, batching, validationHoldout, augment, precision);
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when training samples get the paper's random flips and rotation ({@code augment: true}; off by default). */
    public boolean augmenting() {
        return Boolean.TRUE.equals(augment);
    }

    /** The spec with every absent value set to the paper's recipe. */
    public TrainSpec withDefaults() {
        return new TrainSpec(
                model == null ? "unet-small" : model, chans, pools, modelParams,
                lr == null ? 1e-3 : lr, epochs == null ? 60 : epochs, batchSize == null ? 1 : batchSize,
                loss == null ? "ssim" : loss, gradClip == null ? 1.0 : gradClip,
                seed == null ? 0L : seed, dataSeed == null ? 0L : dataSeed,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                mask == null ? new Mask("equispaced", List.of(4.0), List.of(0.08)) : mask,
                catalogs == null ? List.of() : catalogs, dataRoot,
                train == null ? new LinkedHashMap<>() : train, weights, dataFraction, slicesPerEpoch,
                validation, validationVolumes, validationCatalogs,
                sampling == null ? "fixed" : sampling, batching == null ? "volume" : batching, validationHoldout, augment,
                precision == null ? "fp32" : precision);
    }

    /**
     * Checks every value before any work: ranges ({@code lr > 0}, {@code epochs >= 1}, ...), the model and its
     * parameters, the mask, the loss, the data-size factor. Errors are config errors naming the key.
     */
    public TrainSpec validate() {
        TrainSpec s = withDefaults();
        check(Double.isFinite(s.lr()) && s.lr() > 0, "lr must be a positive number, got " + s.lr());
        check(s.epochs() >= 1, "epochs must be at least 1, got " + s.epochs());
        check(s.batchSize() >= 1, "batch_size must be at least 1, got " + s.batchSize());
        check(Double.isFinite(s.gradClip()) && s.gradClip() > 0, "grad_clip must be a positive number, got " + s.gradClip());
        check(s.threads() >= 0, "threads must be 0 (all cores) or more, got " + s.threads());
        check(s.validationVolumes() == null || s.validationVolumes() >= 1, "validation_volumes must be at least 1, got " + s.validationVolumes());
        check(s.slicesPerEpoch() == null || s.slicesPerEpoch() >= 1, "slices_per_epoch must be at least 1, got " + s.slicesPerEpoch());
        check(List.of("fixed", "redraw").contains(s.sampling()), "sampling must be fixed or redraw, got '" + s.sampling() + "'");
        check(List.of("volume", "paper").contains(s.batching()), "batching must be volume or paper, got '" + s.batching() + "'");
        check(s.validationHoldout() == null || (s.validationHoldout() > 0 && s.validationHoldout() < 1),
                "validation_holdout must be a fraction in (0, 1), got " + s.validationHoldout());
        check(s.validationHoldout() == null || s.validation() == null, "give either validation (a distribution) or validation_holdout, not both");
        try {
            Loss.parse(s.loss());
            Precision.parse(s.precision());
            TrainRun.modelSpec(s);
            if (s.mask().type() == null) throw new IllegalArgumentException("mask needs a type");
            org.robustmri.mask.MaskFunction.fromName(s.mask().type(), s.mask().accelerations() == null ? List.of() : s.mask().accelerations(),
                    s.mask().centerFractions() == null ? List.of() : s.mask().centerFractions());
            if (s.dataFraction() != null) org.robustmri.data.Mixture.parseFraction(s.dataFraction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid training config: " + e.getMessage(), e);
        }
        return s;
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid training config: " + message);
    }

    /** A copy with some fields replaced (null keeps the current value); used by CLI flags over a config. */
    public TrainSpec override(Map<String, Object> values) {
        Map<String, Object> all = YAML.convertValue(this, Map.class);
        values.forEach((k, v) -> {
            if (v != null) all.put(k, v);
        });
        return YAML.convertValue(all, TrainSpec.class);
    }
}
