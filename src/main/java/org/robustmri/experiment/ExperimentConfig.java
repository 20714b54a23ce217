package org.robustmri.experiment;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.train.TrainSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A robustness study in YAML (snake_case keys; unknown keys are errors): the data (simulated or catalogs),
 * named distributions, training sets (single distributions and mixtures with weights and data-size factors),
 * test sets, models, the training recipe, seeds and analyses.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentConfig(
        String name,
        Simulate simulate,
        Data data,
        Map<String, JsonNode> distributions,
        List<TrainingSet> trainingSets,
        List<String> testSets,
        List<ModelEntry> models,
        Recipe recipe,
        Seeds seeds,
        List<String> analyses,
        Integer panelSlices,
        Boolean normalizeOutput,
        String earlyStopping,
        Integer parallel,
        Similarity similarity,
        String pathologyBoxes,
        List<JsonNode> baselines) {

    /** The lambda grid a tuned baseline searches when the config names none (BART's -r scale for cs-wavelet). */
    public static final List<Double> DEFAULT_LAMBDAS = List.of(0.0003, 0.001, 0.003, 0.01, 0.03);

    /**
     * A baseline without weights: a model name ({@code cs-tv}) used as it is, or
     * {@code {model: cs-wavelet, tune_on: validation, lambdas: [...]}}, whose lambda is chosen on the validation volumes
     * of each training set's distributions (the paper's "tuned individually on different distributions") and then
     * applied to every test set, so the study also shows how a lambda tuned on one distribution transfers to others.
     */
    public record Baseline(ModelSpec spec, boolean tuned, List<Double> lambdas) {
        /** Its name: the spec's, without the lambda it does not use when the lambda is tuned. */
        public String name() {
            return tuned ? spec.name().replace("-l" + spec.param("lambda"), "") : spec.name();
        }

        /** The run a baseline's scores are filed under: its name, or NAME@SET for the lambda tuned on a training set. */
        public String run(String trainingSet) {
            return tuned ? name() + "@" + trainingSet : name();
        }
    }

    /** The baselines evaluated next to zero-filling, in config order. */
    public List<Baseline> baselineEntries() {
        List<Baseline> out = new java.util.ArrayList<>();
        if (baselines == null) return out;
        for (JsonNode b : baselines) {
            if (b.isTextual()) {
                out.add(new Baseline(ModelRegistry.parse(b.asText()), false, List.of()));
                continue;
            }
            if (!b.isObject() || !b.has("model")) throw new IllegalArgumentException("a baseline is a model name or {model: NAME, tune_on: validation}, got " + b);
            java.util.Set<String> keys = new java.util.TreeSet<>();
            b.fieldNames().forEachRemaining(keys::add);
            keys.removeAll(List.of("model", "tune_on", "lambdas"));
            if (!keys.isEmpty()) throw new IllegalArgumentException("baseline " + b.get("model").asText() + ": unknown keys " + keys + " (model, tune_on, lambdas)");
            ModelSpec spec = ModelRegistry.parse(b.get("model").asText());
            boolean tuned = b.has("tune_on");
            if (tuned && !"validation".equals(b.get("tune_on").asText())) {
                throw new IllegalArgumentException("baseline " + spec.name() + ": tune_on must be validation, got '" + b.get("tune_on").asText() + "'");
            }
            if (tuned && spec.params().get("lambda") == null) throw new IllegalArgumentException("baseline " + spec.name() + " has no lambda to tune");
            List<Double> lambdas = new java.util.ArrayList<>();
            if (b.has("lambdas")) {
                if (!tuned) throw new IllegalArgumentException("baseline " + spec.name() + ": lambdas need tune_on: validation");
                b.get("lambdas").forEach(l -> lambdas.add(l.asDouble()));
                if (lambdas.isEmpty() || lambdas.stream().anyMatch(l -> !(l > 0))) {
                    throw new IllegalArgumentException("baseline " + spec.name() + ": lambdas must be positive numbers");
                }
            } else if (tuned) {
                lambdas.addAll(DEFAULT_LAMBDAS);
            }
            out.add(new Baseline(spec, tuned, List.copyOf(lambdas)));
        }
        return out;
    }

    /**
     * Simulated data: the same named distributions in train, validation and test splits (different subjects).
     * {@code library} is one YAML file or a list of them, read in order on top of the built-in library.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Simulate(List<String> distributions, Integer trainVolumes, Integer validationVolumes, Integer testVolumes,
                           Integer slices, Integer matrix, Long seed,
                           @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                           List<String> library) {
    }

    /** Catalogs of existing data (paths relative to the config file), and where the files are. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Data(List<String> trainCatalogs, List<String> validationCatalogs, List<String> testCatalogs, String dataRoot) {
    }

    /**
     * A training set: one distribution, or a mixture of several with weights and a data-size factor. Its volumes come
     * from the study's training catalogs, or from its own {@code catalogs} (e.g. one of the paper's fixed subset CSVs,
     * paths relative to the config). {@code sampling: fixed} (default) trains on the same distinct slices every
     * epoch; {@code redraw} draws a new subset each epoch.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TrainingSet(String name, List<String> components, JsonNode weights, String dataFraction, Long slicesPerEpoch,
                              String sampling, List<String> catalogs) {
        public TrainingSet(String name, List<String> components, JsonNode weights, String dataFraction, Long slicesPerEpoch) {
            this(name, components, weights, dataFraction, slicesPerEpoch, null, null);
        }
    }

    /**
     * A registered model name or a family, with parameter overrides as further keys, e.g.
     * {@code {model: unet, chans: 8, pools: 3}} or {@code {model: varnet, cascades: 4, chans: 8, sens_chans: 4}}.
     * Two keys restrict where a costly model is trained, when a budget forbids the full grid: {@code training_sets}
     * (names; default all) and {@code model_seeds} (default the study's model seeds).
     */
    public static final class ModelEntry {
        private final String model;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private List<String> trainingSets;
        private List<Long> modelSeeds;

        @JsonCreator
        public ModelEntry(@JsonProperty("model") String model) {
            this.model = model;
        }

        public ModelEntry(String model, Map<String, ?> params) {
            this(model);
            this.params.putAll(params);
        }

        @JsonProperty("model")
        public String model() {
            return model;
        }

        @JsonAnySetter
        void set(String key, Object value) {
            params.put(key, value);
        }

        @JsonProperty("training_sets")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public List<String> trainingSets() {
            return trainingSets;
        }

        @JsonProperty("training_sets")
        void trainingSets(List<String> names) {
            this.trainingSets = names == null ? null : List.copyOf(names);
        }

        @JsonProperty("model_seeds")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public List<Long> modelSeeds() {
            return modelSeeds;
        }

        @JsonProperty("model_seeds")
        void modelSeeds(List<Long> seeds) {
            this.modelSeeds = seeds == null ? null : List.copyOf(seeds);
        }


        @JsonAnyGetter
        public Map<String, Object> params() {
            return params;
        }

        /** The model this entry names (an unknown name or parameter is an error). */
        public ModelSpec spec() {
            if (model == null) throw new IllegalArgumentException("every models entry needs 'model: NAME'");
            return ModelRegistry.resolve(model, params);
        }

        /** The name runs are labelled with: the registered name, or the family's label for custom sizes. */
        public String label() {
            return spec().name();
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Recipe(Double lr, Integer epochs, Integer batchSize, String loss, Double gradClip, TrainSpec.Mask mask,
                         Integer threads, Integer validationVolumes, String batching, Double validationHoldout, Boolean augment,
                         String precision) {
    }

    /**
     * The train-test similarity analysis: {@code embedding} (an {@link org.robustmri.similarity.Embeddings} name; files
     * in it relative to the config) and {@code max_slices} per set.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Similarity(String embedding, Integer maxSlices) {
    }

    /** Every run is repeated for each model seed and each data seed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Seeds(List<Long> model, List<Long> data) {
    }

    public static final List<String> ALL_ANALYSES = List.of("p_vs_q", "diversity", "robustness", "overfitting", "matrix", "similarity");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static ExperimentConfig read(Path file) {
        ExperimentConfig c = org.robustmri.io.YamlFiles.read(YAML, file, ExperimentConfig.class, "experiment config");
        // a model's own file (a TorchScript module) is named relative to the config, like catalogs
        Path dir = file.toAbsolutePath().getParent();
        if (c.models() != null) {
            for (ModelEntry m : c.models()) {
                Object f = m.params().get("file");
                if (f != null && !Path.of(f.toString()).isAbsolute()) m.set("file", dir.resolve(f.toString()).normalize().toString());
            }
        }
        return c;
    }

    /** This config, checked for everything that needs no data: names, references between sections, ranges. */
    public ExperimentConfig validated() {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("experiment needs a name");
        if (trainingSets == null || trainingSets.isEmpty()) throw new IllegalArgumentException("experiment needs training_sets");
        if (testSets == null || testSets.isEmpty()) throw new IllegalArgumentException("experiment needs test_sets");
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("experiment needs models");
        if (simulate == null && (data == null || data.trainCatalogs() == null || data.testCatalogs() == null)) {
            throw new IllegalArgumentException("experiment needs simulate: or data: {train_catalogs, test_catalogs}");
        }
        if (simulate != null && data != null && (data.trainCatalogs() != null || data.validationCatalogs() != null)) {
            throw new IllegalArgumentException("a simulated study trains on its simulation; data: may only add test_catalogs (e.g. real scans)");
        }
        if (analyses != null) {
            for (String a : analyses) {
                if (!ALL_ANALYSES.contains(a)) throw new IllegalArgumentException("unknown analysis '" + a + "'; known: " + ALL_ANALYSES);
            }
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (TrainingSet t : trainingSets) {
            if (t.name() == null || t.components() == null || t.components().isEmpty()) {
                throw new IllegalArgumentException("every training set needs a name and components");
            }
            if (!names.add(t.name())) throw new IllegalArgumentException("duplicate training set '" + t.name() + "'");
            if (t.name().contains(",") || t.name().contains("__")) throw new IllegalArgumentException("training set names may not contain ',' or '__': " + t.name());
        }
        for (ModelEntry m : models) {
            if (ModelRegistry.parameterCount(m.spec()) == 0) {
                throw new IllegalArgumentException("model " + m.model() + " has no weights to train: list it under baselines");
            }
            if (m.trainingSets() != null) {
                if (m.trainingSets().isEmpty()) throw new IllegalArgumentException("model " + m.model() + ": training_sets is empty");
                for (String n : m.trainingSets()) {
                    if (!names.contains(n)) {
                        throw new IllegalArgumentException("model " + m.model() + ": training set '" + n + "' is not defined; defined: " + names);
                    }
                }
            }
            if (m.modelSeeds() != null && m.modelSeeds().isEmpty()) throw new IllegalArgumentException("model " + m.model() + ": model_seeds is empty");
        }
        java.util.Set<String> baselineNames = new java.util.LinkedHashSet<>(List.of(org.robustmri.report.Report.ZERO_FILLED));
        for (Baseline entry : baselineEntries()) {
            ModelSpec b = entry.spec();
            if (ModelRegistry.parameterCount(b) != 0) throw new IllegalArgumentException("baseline " + b.name() + " has weights to train: list it under models");
            if (!baselineNames.add(b.name() + (entry.tuned() ? "@tuned" : ""))) throw new IllegalArgumentException("baseline " + b.name() + " is listed twice");
        }
        if (simulate != null) {
            if (simulate.distributions() == null || simulate.distributions().isEmpty()) throw new IllegalArgumentException("simulate needs distributions");
            atLeast("simulate.train_volumes", simulate.trainVolumes(), 1);
            atLeast("simulate.validation_volumes", simulate.validationVolumes(), 0);
            atLeast("simulate.test_volumes", simulate.testVolumes(), 1);
            atLeast("simulate.slices", simulate.slices(), 1);
            atLeast("simulate.matrix", simulate.matrix(), 16);
        }
        if (panelSlices != null) atLeast("panel_slices", panelSlices, 0);
        if (earlyStopping != null && !List.of("validation", "test").contains(earlyStopping)) {
            throw new IllegalArgumentException("early_stopping must be validation or test, got '" + earlyStopping + "'");
        }
        return this;
    }

    private static void atLeast(String key, Integer value, int min) {
        if (value != null && value < min) throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
