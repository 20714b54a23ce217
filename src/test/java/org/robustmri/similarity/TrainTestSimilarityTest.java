package org.robustmri.similarity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrainTestSimilarityTest {
    @TempDir
    Path tmp;

    @Test
    void slicesInBothSetsAreTheirOwnNeighboursWithSimilarityOne() throws Exception {
        Path train = Files.createDirectories(tmp.resolve("train"));
        for (String f : List.of("pulseq_phantom_16ch.h5", "pulseq_invivo_brain_16ch.h5")) Files.copy(TestFiles.REAL_KSPACE.resolve(f), train.resolve(f));
        var tr = TrainTestSimilarity.slices(train, null);
        var te = TrainTestSimilarity.slices(TestFiles.REAL_KSPACE, null);
        assertThat(te).hasSize(5);
        TrainTestSimilarity.Result r = TrainTestSimilarity.run(tr, te, Embeddings.of("random-conv"), x -> { });
        for (TrainTestSimilarity.Match m : r.matches()) {
            if (m.test().name().equals("pulseq_phantom_16ch.h5") || m.test().name().equals("pulseq_invivo_brain_16ch.h5")) {
                assertThat(m.similarity()).as(m.test().name()).isEqualTo(1.0);
                assertThat(m.nearest().name()).isEqualTo(m.test().name());
            } else {
                assertThat(m.similarity()).as(m.test().name()).isLessThan(1.0).isGreaterThan(0.0);
            }
        }
        // the 16-coil in-vivo brain's nearest training image is the same brain imaged with the body coil
        // (different file, same anatomy), not the phantom
        var bodycoil = r.matches().stream().filter(m -> m.test().name().equals("pulseq_invivo_brain_bodycoil_2ch.h5")).findFirst().orElseThrow();
        assertThat(bodycoil.nearest().name()).isEqualTo("pulseq_invivo_brain_16ch.h5");
    }

    /**
     * The embedding of given weights as PyTorch computes it in float64 (conv2d, adaptive_avg_pool2d; golden from
     * tools/golden/gen_embedding_vectors.py): a 1-channel first layer with bias and a 3-channel one, images larger and
     * smaller than the 128 x 128 pooling size, one of them 1e-4 the scale of the others.
     */
    @Test
    void embeddingMatchesPyTorch() {
        var golden = org.robustmri.io.Safetensors.read(Path.of("src/test/resources/golden/embedding.safetensors")).tensors();
        for (String c : List.of("case1", "case2")) {
            java.util.Map<String, org.bytedeco.pytorch.Tensor> weights = new java.util.LinkedHashMap<>();
            golden.forEach((k, v) -> {
                if (k.startsWith(c + ".conv")) weights.put(k.substring(c.length() + 1), v);
            });
            Path f = tmp.resolve(c + ".safetensors");
            org.robustmri.io.Safetensors.write(f, weights, java.util.Map.of());
            Embedding e = Embeddings.of("safetensors:" + f);
            float[] ours = org.robustmri.tensor.Tensors.toFloats(e.embed(golden.get(c + ".images")));
            float[] ref = org.robustmri.tensor.Tensors.toFloats(golden.get(c + ".embedding"));
            assertThat(ours).as(c).hasSameSizeAs(ref);
            for (int i = 0; i < ref.length; i++) assertThat((double) ours[i]).as(c + " feature " + i).isCloseTo(ref[i], org.assertj.core.api.Assertions.within(1e-5));
            if (c.equals("case1")) {
                // cosine similarity as the nearest-neighbour search computes it
                float[] cos = org.robustmri.tensor.Tensors.toFloats(golden.get("case1.cosine"));
                int n = 3, d = ref.length / n;
                var r = NearestNeighbours.search(ours, n, java.util.Arrays.copyOf(ours, d), 1, d, x -> { });
                assertThat(r.similarity()[0]).isCloseTo(cos[0], org.assertj.core.api.Assertions.within(1e-5));
                var other = NearestNeighbours.search(java.util.Arrays.copyOfRange(ours, d, 3 * d), 2, java.util.Arrays.copyOf(ours, d), 1, d, x -> { });
                assertThat(other.similarity()[0]).isCloseTo(Math.max(cos[1], cos[2]), org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    @Test
    void embeddingsDoNotDependOnTheBatchAndAreDeterministic() {
        Embedding a = Embeddings.of("random-conv"), b = Embeddings.of("random-conv");
        assertThat(a.spec()).isEqualTo(b.spec());
        assertThat(a.dimension()).isEqualTo(2 * (16 + 32 + 64 + 128));
        assertThat(Embeddings.of("random-conv:3").spec()).contains("seed=3");
    }

    @Test
    void centringOnTheFixedNoiseSetSpreadsSimilaritiesAndKeepsIdentityAtOne() {
        var tr = TrainTestSimilarity.slices(TestFiles.REAL_KSPACE, null);
        var plain = TrainTestSimilarity.run(tr.subList(0, 2), tr, Embeddings.of("random-conv"), x -> { });
        var centred = TrainTestSimilarity.run(tr.subList(0, 2), tr, Embeddings.of("random-conv-centred"), x -> { });
        assertThat(centred.matches().get(0).similarity()).isEqualTo(1.0);
        double minPlain = 1, minCentred = 1;
        for (int i = 2; i < tr.size(); i++) {
            minPlain = Math.min(minPlain, plain.matches().get(i).similarity());
            minCentred = Math.min(minCentred, centred.matches().get(i).similarity());
        }
        assertThat(minCentred).isLessThan(minPlain);
        assertThat(centred.embedding()).contains("centred on 64 fixed 1/f^2 noise images");
    }

    @Test
    void userWeightsInTheDocumentedLayoutPlugIn() {
        java.util.Map<String, org.bytedeco.pytorch.Tensor> w = new java.util.LinkedHashMap<>();
        w.put("conv0.weight", org.robustmri.tensor.Tensors.fromFloats(new float[8 * 3 * 5 * 5], 8, 3, 5, 5).add(org.robustmri.tensor.Torch.scalar(0.01)));
        w.put("conv0.bias", org.robustmri.tensor.Tensors.fromFloats(new float[8], 8));
        w.put("conv1.weight", org.robustmri.tensor.Tensors.fromFloats(new float[4 * 8 * 3 * 3], 4, 8, 3, 3).add(org.robustmri.tensor.Torch.scalar(0.02)));
        Path f = tmp.resolve("enc.safetensors");
        org.robustmri.io.Safetensors.write(f, w, java.util.Map.of());
        Embedding e = Embeddings.of("safetensors:" + f);
        assertThat(e.dimension()).isEqualTo(2 * (8 + 4));
        assertThat(e.spec()).contains("enc.safetensors").contains("2 layers");
        var img = org.robustmri.tensor.Tensors.fromFloats(new float[2 * 40 * 30], 2, 1, 40, 30).uniform_();
        assertThat(org.robustmri.tensor.Torch.shape(e.embed(img))).containsExactly(2L, 24L);
        w.put("conv1.weight", org.robustmri.tensor.Tensors.fromFloats(new float[4 * 5 * 3 * 3], 4, 5, 3, 3));
        org.robustmri.io.Safetensors.write(f, w, java.util.Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Embeddings.of("safetensors:" + f)).hasMessageContaining("conv1.weight has shape [4, 5, 3, 3]");
    }

    @Test
    void theCommandWritesTheTableAndItsProvenance() throws Exception {
        Path out = tmp.resolve("sim.csv");
        CliTestSupport.Result r = CliTestSupport.run("similarity", "--train", TestFiles.REAL_KSPACE.toString(), "--test",
                TestFiles.REAL_KSPACE.resolve("pulseq_phantom_32ch.h5").getParent().toString(), "--out", out.toString(), "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("test_file,test_slice,nn_file,nn_slice,similarity");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(1)).endsWith(",1.000000000");
        assertThat(r.out()).contains("mean nearest-neighbour similarity 1.0000 over 5 test slices");
        assertThat(Files.readString(tmp.resolve("sim.csv.provenance.json"))).contains("random-conv(seed=0");
        CliTestSupport.Result bad = CliTestSupport.run("similarity", "--train", tmp.resolve("nowhere").toString(), "--test",
                TestFiles.REAL_KSPACE.toString(), "--out", tmp.resolve("x.csv").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: ").contains("nowhere");
        assertThat(Files.exists(tmp.resolve("x.csv"))).isFalse();
        assertThat(CliTestSupport.run("similarity", "--train", TestFiles.REAL_KSPACE.toString(), "--test", TestFiles.REAL_KSPACE.toString(),
                "--out", tmp.resolve("y.csv").toString(), "--embedding", "clip").code()).isEqualTo(2);
    }
}
